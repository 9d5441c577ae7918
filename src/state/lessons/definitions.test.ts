import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../core/config';
import { checkGenerateOptions } from '../../core/distribution';
import { validateSettings } from '../../core/settings';
import { findCorpus } from '../../corpora';
import { parseDemo, type DemoState } from '../../persist/demo';
import { describeDifference } from '../compare';
import { evalEveryFor, LESSONS, shortenDemo } from './definitions';

/** Every run's demo, and every lesson's shipped-demo sample settings, with where they come from. */
const allRuns = LESSONS.flatMap((l) => l.runs.map((r, i) => ({ where: `${l.id} run ${i + 1}`, demo: r.demo })));

/** Problems with a lesson demo, as the app would find them before training. */
function problems(demo: DemoState): string[] {
  const corpus = demo.corpus.source.kind === 'sample' ? findCorpus(demo.corpus.source.id) : undefined;
  if (!corpus) return ['unknown corpus'];
  const vocabSize = new Set(corpus.text()).size;
  return [
    ...validateConfig({ ...demo.model, vocabSize }),
    ...validateSettings(demo.train, demo.model.blockSize),
    ...Object.values(checkGenerateOptions({ ...demo.sample })),
  ];
}

/** Model settings in which two demos differ. */
function modelDiff(a: DemoState, b: DemoState): string[] {
  return (Object.keys(a.model) as (keyof DemoState['model'])[]).filter((k) => a.model[k] !== b.model[k]);
}

describe('lesson definitions', () => {
  it('has the six lessons, each with an id of its own', () => {
    expect(LESSONS.map((l) => l.id)).toEqual(['temperature', 'causal-mask', 'heads', 'positions', 'layernorm', 'greedy']);
  });

  it.each(LESSONS.map((l) => [l.id, l] as const))('%s explains itself in two to four sentences and says where to look', (_, l) => {
    const sentences = l.about.split(/(?<=[.!?])\s+(?=[A-Z])/);
    expect(sentences.length).toBeGreaterThanOrEqual(2);
    expect(sentences.length).toBeLessThanOrEqual(4);
    expect(l.title.length).toBeGreaterThan(5);
    expect(l.lookAt.length).toBeGreaterThan(10);
    expect(l.runs.length).toBeGreaterThanOrEqual(1);
  });

  it.each(allRuns.map((r) => [r.where, r.demo] as const))('%s validates as the app checks a demo', (_, demo) => {
    expect(problems(demo)).toEqual([]);
    // The same checks a link or a saved run passes: the runner's demo is a real demo.
    expect(parseDemo(JSON.parse(JSON.stringify(demo)))).toEqual(demo);
  });

  it.each(allRuns.map((r) => [r.where, r.demo] as const))('%s is small enough for a software adapter', (_, demo) => {
    expect(demo.model.nLayer).toBeLessThanOrEqual(2);
    expect(demo.model.nEmbd).toBeLessThanOrEqual(64);
    expect(demo.model.blockSize).toBeLessThanOrEqual(32);
    expect(demo.train.batchSize).toBeLessThanOrEqual(16);
    expect(demo.train.maxSteps).toBeGreaterThanOrEqual(100);
    expect(demo.train.maxSteps).toBeLessThanOrEqual(300);
    // The last step is evaluated, so the outcome can quote a validation loss.
    expect(demo.train.maxSteps % demo.train.evalEvery).toBe(0);
  });

  it('each comparison trains two runs that differ in one model setting, labelled apart', () => {
    const compares = LESSONS.filter((l) => l.show.kind === 'compare');
    expect(compares.map((l) => l.id)).toEqual(['causal-mask', 'positions', 'layernorm']);
    const expected: Record<string, string[]> = {
      'causal-mask': ['causal mask', 'no causal mask'],
      positions: ['learned positions', 'sinusoidal positions'],
      layernorm: ['pre-LN', 'post-LN'],
    };
    for (const l of compares) {
      const [a, b] = l.runs.map((r) => r.demo);
      expect(l.runs).toHaveLength(2);
      expect(modelDiff(a, b)).toHaveLength(1);
      expect({ ...a, model: b.model }).toEqual(b);
      expect([describeDifference(a, b, 'x'), describeDifference(b, a, 'y')]).toEqual(expected[l.id]);
    }
  });

  it('the lessons that need a trained model open a demo the app ships', () => {
    const manifest = JSON.parse(readFileSync(new URL('../../../public/demos/index.json', import.meta.url), 'utf8')) as { demos: { id: string }[] };
    const shipped = manifest.demos.map((d) => d.id);
    const withDemo = LESSONS.filter((l) => l.demo);
    expect(withDemo.map((l) => l.id)).toEqual(['temperature', 'greedy']);
    for (const l of withDemo) {
      expect(shipped).toContain(l.demo!.id);
      expect(Object.values(checkGenerateOptions({ ...l.demo!.sample }))).toEqual([]);
      // Its fallback run trains on the same text the demo was trained on.
      expect(l.runs[0].demo.corpus.source).toEqual({ kind: 'sample', id: l.demo!.id });
    }
  });

  it('the greedy lesson decodes greedily first, then samples at temperature 1', () => {
    const g = LESSONS.find((l) => l.id === 'greedy')!;
    expect(g.show.kind).toBe('decoding');
    if (g.show.kind !== 'decoding') return;
    expect(g.show.variants.map((v) => [v.sampling.greedy, v.sampling.temperature, v.sampling.topK, v.sampling.topP])).toEqual([
      [true, 1, 0, 1],
      [false, 1, 0, 1],
    ]);
  });
});

describe('shortened runs', () => {
  it('evaluates at the last step with at most four evaluations', () => {
    expect(evalEveryFor(200)).toBe(50);
    expect(evalEveryFor(12)).toBe(3);
    expect(evalEveryFor(9)).toBe(3);
    expect(evalEveryFor(7)).toBe(7);
    expect(evalEveryFor(2)).toBe(1);
    expect(evalEveryFor(1)).toBe(1);
  });

  it.each(allRuns.map((r) => [r.where, r.demo] as const))('%s cut to 12 steps still validates', (_, demo) => {
    const short = shortenDemo(demo, 12);
    expect(short.train.maxSteps).toBe(12);
    expect(short.train.warmupSteps).toBeLessThanOrEqual(3);
    expect(12 % short.train.evalEvery).toBe(0);
    expect(problems(short)).toEqual([]);
    expect({ ...short, train: demo.train }).toEqual(demo);
  });
});
