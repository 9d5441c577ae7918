import { describe, expect, it } from 'vitest';
import type { GPTConfig } from '../core/config';
import { DEFAULT_TRAIN } from '../core/settings';
import { DEFAULT_DEMO_SAMPLE, DEMO_FORMAT, DEMO_VERSION, InvalidDemoError, checkpointDemo, compactHistory, parseDemo, type DemoState } from './demo';

const config: GPTConfig = { nLayer: 2, nHead: 2, nEmbd: 16, blockSize: 8, vocabSize: 30, norm: 'pre', activation: 'gelu', positions: 'learned', causal: true };

function demoFor(c: GPTConfig): DemoState {
  const { vocabSize: _, ...model } = c;
  return {
    format: DEMO_FORMAT,
    version: DEMO_VERSION,
    corpus: { source: { kind: 'paste' }, text: 'First Citizen:' },
    tokenizer: { kind: 'char' },
    model,
    train: { ...DEFAULT_TRAIN, blockSize: c.blockSize },
    sample: { ...DEFAULT_DEMO_SAMPLE, prompt: 'First' },
  };
}

// A checkpoint's demo travels as opaque JSON through the engine's codec (which has no notion of
// demos); the app checks it here against the model and tokenizer the same file holds.
describe('checkpointDemo', () => {
  it('accepts the demo of the same model and tokenizer', () => {
    const demo = demoFor(config);
    expect(checkpointDemo(JSON.parse(JSON.stringify(demo)), config, 'char')).toEqual(demo);
    expect(checkpointDemo(demo, config, null)).toEqual(demo); // a file without tokenizer metadata
  });

  it('names the field of a malformed demo', () => {
    expect(() => checkpointDemo({ ...demoFor(config), sample: null }, config, 'char')).toThrow(/"demo" metadata: sample is missing/);
    expect(() => checkpointDemo(null, config, 'char')).toThrow(InvalidDemoError);
  });

  it("refuses a demo whose model or tokenizer is not the file's", () => {
    expect(() => checkpointDemo(demoFor({ ...config, activation: 'relu' }), config, 'char')).toThrow('demo has activation relu but its config has gelu');
    expect(() => checkpointDemo(demoFor({ ...config, nLayer: 3 }), config, 'char')).toThrow('demo has nLayer 3 but its config has 2');
    expect(() => checkpointDemo(demoFor(config), config, 'bpe')).toThrow('uses a char tokenizer but its tokenizer is bpe');
  });
});

describe('a demo’s loss history', () => {
  const history = {
    steps: [
      { step: 1, loss: 4.1 },
      { step: 2, loss: 3.7 },
    ],
    evals: [{ step: 2, train: 3.6, val: 3.8 }],
  };

  it('is optional and, when present, kept as it was', () => {
    expect(parseDemo(demoFor(config)).history).toBeUndefined();
    expect(parseDemo(JSON.parse(JSON.stringify({ ...demoFor(config), history }))).history).toEqual(history);
  });

  it('names the bad entry of a malformed history', () => {
    const bad = (h: unknown) => () => parseDemo({ ...demoFor(config), history: h });
    expect(bad({ steps: [] })).toThrow('history must have lists "steps" and "evals"');
    expect(bad({ steps: [{ step: 1, loss: 'x' }], evals: [] })).toThrow('history.steps[0].loss must be a finite number');
    expect(bad({ steps: [{ step: 2, loss: 1 }, { step: 2, loss: 1 }], evals: [] })).toThrow('history.steps[1].step must be a whole number above the one before');
    expect(bad({ steps: [], evals: [{ step: 1.5, train: 1, val: 1 }] })).toThrow('history.evals[0].step must be a whole number');
  });

  it('is cut to evenly spaced points, first and last kept, non-finite losses dropped', () => {
    const steps = Array.from({ length: 1001 }, (_, i) => ({ step: i + 1, loss: i === 500 ? NaN : 5 - i / 1000 }));
    const evals = Array.from({ length: 21 }, (_, i) => ({ step: i * 50, train: 4, val: i === 3 ? Infinity : 4.5 }));
    const c = compactHistory({ steps, evals }, 100);
    expect(c.steps).toHaveLength(100);
    expect(c.steps[0]).toEqual(steps[0]);
    expect(c.steps.at(-1)).toEqual(steps.at(-1));
    expect(c.steps.every((x) => Number.isFinite(x.loss))).toBe(true);
    for (let i = 1; i < c.steps.length; i++) expect(c.steps[i].step).toBeGreaterThan(c.steps[i - 1].step);
    expect(c.evals).toHaveLength(20);
    expect(c.evals.some((e) => e.step === 150)).toBe(false);
    // A short history is kept whole.
    expect(compactHistory(history)).toEqual(history);
  });
});
