import { describe, expect, it } from 'vitest';
import { dataSummary, modelSummary, shortRate, trainSummary } from './summaries';

describe('drawer summaries', () => {
  it('writes rates short', () => {
    expect(shortRate(1e-3)).toBe('1e-3');
    expect(shortRate(2.5e-4)).toBe('2.5e-4');
    expect(shortRate(0.003)).toBe('3e-3');
    expect(shortRate(0.03)).toBe('0.03');
    expect(shortRate(0)).toBe('0');
    expect(shortRate(1e6)).toBe('1000000');
    expect(shortRate(Number.NaN)).toBe('NaN');
  });
  it('names the text and the tokenizer', () => {
    expect(dataSummary('Tiny prose', { kind: 'char' })).toBe('Tiny prose · characters');
    expect(dataSummary('Your own text', { kind: 'bpe', vocabSize: 1024 })).toBe('Your own text · BPE 1,024');
  });
  it('gives the model shape and only the variants that differ from GPT-2', () => {
    const gpt2 = { nLayer: 2, nHead: 4, nEmbd: 64, blockSize: 64, norm: 'pre', causal: true } as const;
    expect(modelSummary(gpt2)).toBe('2 layers · 4 heads · width 64 · block 64');
    expect(modelSummary({ ...gpt2, nLayer: 1, nHead: 1, norm: 'post', causal: false })).toBe('1 layer · 1 head · width 64 · block 64 · post-LN · no mask');
  });
  it('gives the rate, length and batch of the run', () => {
    expect(trainSummary({ lr: 1e-3, maxSteps: 2000, batchSize: 16 })).toBe('lr 1e-3 · 2,000 steps · batch 16');
    expect(trainSummary({ lr: 0.01, maxSteps: 1, batchSize: 4 })).toBe('lr 0.01 · 1 step · batch 4');
  });
});
