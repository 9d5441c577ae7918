// Every demo the app ships (public/demos, written by `npm run demos`) opens: listed in a valid
// manifest, present, decoded by the share codec into a valid demo with its loss history and
// int8 weights that fit the model the app builds from the demo's sample text.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findCorpus } from '../corpora';
import { CharTokenizer } from '../engine/tokenize';
import { parseDemoManifest } from '../persist/demo-manifest';
import { decodeSharePayload } from '../persist/share';

const DIR = resolve(dirname(new URL(import.meta.url).pathname), '../../public/demos');
const manifest = parseDemoManifest(JSON.parse(readFileSync(join(DIR, 'index.json'), 'utf8')));

describe('the shipped demos', () => {
  it('cover the sample tasks and the prose, the default first', () => {
    expect(manifest.demos.map((d) => d.id)).toEqual(expect.arrayContaining(['count', 'copy', 'reverse', 'brackets', 'fables']));
    expect(manifest.demos[0].id).toBe(manifest.defaultId);
  });

  it.each(manifest.demos.map((d) => [d.id, d] as const))('%s decodes into a trained demo that fits its text', async (_id, entry) => {
    const bytes = new Uint8Array(readFileSync(join(DIR, entry.file)));
    expect(bytes.length).toBe(entry.bytes);
    expect(bytes.length).toBeLessThan(400 * 1024);
    const { demo, weights } = await decodeSharePayload(bytes);
    expect(demo.corpus.source).toEqual({ kind: 'sample', id: entry.id });
    expect(weights).not.toBeNull();
    expect(weights!.step).toBe(entry.step);
    const history = demo.history!;
    expect(history.steps.length).toBeGreaterThan(0);
    expect(history.steps.at(-1)!.step).toBe(entry.step);
    expect(history.evals.at(-1)).toMatchObject({ step: entry.step, val: entry.valLoss });
    // The app rebuilds the tokenizer from the sample text: it must have the weights' vocabulary.
    const tok = CharTokenizer.fromCorpus(findCorpus(entry.id)!.text());
    expect(demo.tokenizer).toEqual({ kind: 'char' });
    expect(weights!.config.vocabSize).toBe(tok.vocabSize);
    expect(() => tok.encode(demo.sample.prompt)).not.toThrow();
    if (entry.head) {
      expect(entry.head.layer).toBeLessThan(demo.model.nLayer);
      expect(entry.head.head).toBeLessThan(demo.model.nHead);
    }
  });
});
