import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../core/config';
import { DEFAULT_TRAIN } from '../core/settings';
import { addComparedRun, clearComparedRuns, compareStore, describeDifference, removeComparedRun, type ComparedRun, type DemoLike } from './compare';

const { vocabSize: _, ...model } = DEFAULT_CONFIG;
const base: DemoLike = {
  model,
  tokenizer: { kind: 'char' },
  corpus: { source: { kind: 'sample', id: 'fables' } },
  train: { ...DEFAULT_TRAIN, blockSize: model.blockSize },
};
const withModel = (m: Partial<DemoLike['model']>): DemoLike => ({ ...base, model: { ...base.model, ...m } });
const withTrain = (t: Partial<DemoLike['train']>): DemoLike => ({ ...base, train: { ...base.train, ...t } });

describe('describeDifference', () => {
  it('names a variant of the model in its usual words', () => {
    expect(describeDifference(withModel({ causal: false }), base, 'x')).toBe('no causal mask');
    expect(describeDifference(base, withModel({ causal: false }), 'x')).toBe('causal mask');
    expect(describeDifference(withModel({ norm: 'post' }), base, 'x')).toBe('post-LN');
    expect(describeDifference(withModel({ positions: 'sinusoidal' }), base, 'x')).toBe('sinusoidal positions');
    expect(describeDifference(withModel({ activation: 'relu' }), base, 'x')).toBe('ReLU');
  });
  it('names sizes, data and training settings with their values', () => {
    expect(describeDifference(withModel({ nLayer: 1 }), base, 'x')).toBe('1 layer');
    expect(describeDifference(withModel({ nLayer: 4, nEmbd: 128 }), base, 'x')).toBe('4 layers, width 128');
    expect(describeDifference(withTrain({ lr: 1e-2 }), base, 'x')).toBe('lr 1e-2');
    expect(describeDifference(withTrain({ lr: 2.5e-4 }), base, 'x')).toBe('lr 2.5e-4');
    expect(describeDifference(withTrain({ gradClip: 0 }), base, 'x')).toBe('no clipping');
    expect(describeDifference(withTrain({ maxSteps: 5000 }), base, 'x')).toBe('5,000 steps');
    expect(describeDifference({ ...base, tokenizer: { kind: 'bpe', vocabSize: 512 } }, base, 'x')).toBe('BPE 512');
    expect(describeDifference({ ...base, corpus: { source: { kind: 'paste' } } }, base, 'x')).toBe('pasted text');
  });
  it('puts the model first and counts what does not fit', () => {
    const a = { ...withTrain({ lr: 3e-3, seed: 7, batchSize: 32 }), model: { ...base.model, causal: false, norm: 'post' as const } };
    expect(describeDifference(a, base, 'x')).toBe('no causal mask, post-LN, lr 3e-3 +2 more');
  });
  it('falls back to the name when nothing differs, and ignores the sample settings', () => {
    expect(describeDifference(base, { ...base, train: { ...base.train } }, 'My run')).toBe('My run');
    const withSample = { ...base, sample: { temperature: 2 } } as DemoLike;
    expect(describeDifference(withSample, base, 'My run')).toBe('My run');
  });
});

const run = (id: string, label = id): ComparedRun => ({ id, label, steps: [{ step: 1, loss: 4 }], evals: [] });

describe('compareStore', () => {
  beforeEach(() => clearComparedRuns());

  it('adds runs in order and replaces one with the same id in place', () => {
    addComparedRun(run('a'));
    addComparedRun(run('b'));
    addComparedRun(run('a', 'again'));
    expect(compareStore.getState().runs.map((r) => `${r.id}:${r.label}`)).toEqual(['a:again', 'b:b']);
  });
  it('removes one run or all, bumping the version only on a change', () => {
    addComparedRun(run('a'));
    addComparedRun(run('b'));
    removeComparedRun('a');
    expect(compareStore.getState().runs.map((r) => r.id)).toEqual(['b']);
    const v = compareStore.getState().version;
    removeComparedRun('missing');
    expect(compareStore.getState().version).toBe(v);
    clearComparedRuns();
    expect(compareStore.getState().runs).toEqual([]);
    expect(compareStore.getState().version).toBe(v + 1);
  });
});
