import { describe, expect, it } from 'vitest';
import type { GPTConfig } from '../core/config';
import { DEFAULT_TRAIN } from '../core/settings';
import { DEFAULT_DEMO_SAMPLE, DEMO_FORMAT, DEMO_VERSION, InvalidDemoError, checkpointDemo, type DemoState } from './demo';

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
