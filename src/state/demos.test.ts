// Loading the shipped demos with a stand-in fetch: each way it can fail gives a message that
// says what went wrong, and a good manifest and file decode.
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../core/config';
import { DEFAULT_TRAIN } from '../core/settings';
import { initParams, paramLayout } from '../core/params';
import { quantizeParams } from '../engine/codecs/quantize';
import { DEFAULT_DEMO_SAMPLE, DEMO_FORMAT, DEMO_VERSION, type DemoState } from '../persist/demo';
import { encodeSharePayload } from '../persist/share';
import { DemoLoadError, fetchDemo, readManifest, type DemoManifestEntry } from './demos';

const entry: DemoManifestEntry = { id: 'count', title: 'Counting stars', lookAt: 'Look here.', file: 'count.demo', step: 3, valLoss: 1, bytes: 10 };
const manifest = { format: 'gpt-playground/demo-manifest', version: 1, defaultId: 'count', demos: [entry] };

const respond = (body: BodyInit | null, status = 200): typeof fetch => (async () => new Response(body, { status })) as typeof fetch;
const offline: typeof fetch = (async () => {
  throw new TypeError('Failed to fetch');
}) as typeof fetch;

async function failure(p: Promise<unknown>): Promise<string> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(DemoLoadError);
  return (e as Error).message;
}

async function demoBytes(withWeights: boolean): Promise<Uint8Array> {
  const model = { nLayer: 1, nHead: 2, nEmbd: 8, blockSize: 8, norm: 'pre', activation: 'gelu', positions: 'learned', causal: true } as const;
  const demo: DemoState = {
    format: DEMO_FORMAT,
    version: DEMO_VERSION,
    corpus: { source: { kind: 'sample', id: 'count' }, text: '' },
    tokenizer: { kind: 'char' },
    model,
    train: { ...DEFAULT_TRAIN, blockSize: 8 },
    sample: { ...DEFAULT_DEMO_SAMPLE, prompt: '3: *' },
    history: { steps: [{ step: 1, loss: 2 }], evals: [{ step: 1, train: 2, val: 2 }] },
  };
  const config = { ...DEFAULT_CONFIG, ...model, vocabSize: 14 };
  const params = initParams(config, paramLayout(config), 1);
  return encodeSharePayload(demo, withWeights ? { quantized: quantizeParams(config, params), config, step: 1 } : undefined);
}

describe('readManifest', () => {
  it('reads a good manifest', async () => {
    const m = await readManifest(respond(JSON.stringify(manifest)));
    expect(m.defaultId).toBe('count');
    expect(m.demos).toEqual([entry]);
  });

  it('says why a manifest could not be read', async () => {
    expect(await failure(readManifest(respond('nope', 404)))).toBe('the list of demos is missing (HTTP 404)');
    expect(await failure(readManifest(offline))).toBe('the list of demos could not be downloaded (Failed to fetch); are you offline?');
    expect(await failure(readManifest(respond('{"format":')))).toBe('the list of demos is not valid JSON');
    expect(await failure(readManifest(respond(JSON.stringify({ ...manifest, demos: [] }))))).toBe('the list of demos is damaged: it lists no demos');
    expect(await failure(readManifest(respond(JSON.stringify({ ...manifest, defaultId: 'copy' }))))).toMatch(/damaged: defaultId must be the id of a listed demo/);
  });
});

describe('fetchDemo', () => {
  it('decodes a good file', async () => {
    const bytes = await demoBytes(true);
    const { demo, weights } = await fetchDemo(entry, respond(bytes as Uint8Array<ArrayBuffer>));
    expect(demo.history?.steps).toHaveLength(1);
    expect(weights?.step).toBe(1);
  });

  it('names the demo and the problem: missing, offline, cut short, altered, without weights', async () => {
    expect(await failure(fetchDemo(entry, respond('gone', 404)))).toBe('the demo “Counting stars” is missing (HTTP 404)');
    expect(await failure(fetchDemo(entry, offline))).toMatch(/“Counting stars” could not be downloaded \(Failed to fetch\); are you offline/);
    const good = await demoBytes(true);
    expect(await failure(fetchDemo(entry, respond(good.slice(0, 40) as Uint8Array<ArrayBuffer>)))).toMatch(/is damaged: it is cut short/);
    const altered = good.slice();
    altered[30] ^= 0xff;
    expect(await failure(fetchDemo(entry, respond(altered as Uint8Array<ArrayBuffer>)))).toMatch(/is damaged: its checksum does not match/);
    expect(await failure(fetchDemo(entry, respond('<!doctype html>')))).toMatch(/is damaged: it is not a GPT Playground demo/);
    expect(await failure(fetchDemo(entry, respond((await demoBytes(false)) as Uint8Array<ArrayBuffer>)))).toMatch(/has no trained weights/);
  });
});
