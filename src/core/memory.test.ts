import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from './config';
import { checkMemory, estimateMemory } from './memory';
import { countParams } from './params';

const limits = { maxBufferSize: 256 * 2 ** 20, maxStorageBufferBindingSize: 128 * 2 ** 20, budget: 2 ** 30 };

describe('memory preflight', () => {
  it('counts parameters, gradients, Adam state and activations', () => {
    const c = { ...DEFAULT_CONFIG, vocabSize: 65 };
    const e = estimateMemory(c, 16, 64);
    expect(e.params).toBeGreaterThanOrEqual(countParams(c) * 4);
    expect(e.grads).toBe(e.params);
    expect(e.adam).toBe(2 * e.params);
    expect(e.total).toBe(e.params + e.grads + e.adam + e.activations);
    expect(checkMemory(e, limits, c, 16, 64)).toBeNull();
  });

  it('refuses a logits tensor larger than one binding, suggesting a smaller batch or vocabulary', () => {
    const c = { ...DEFAULT_CONFIG, vocabSize: 50257, blockSize: 1024 };
    const e = estimateMemory(c, 8, 1024);
    const msg = checkMemory(e, limits, c, 8, 1024);
    expect(msg).toMatch(/logits tensor needs 1\.53 GiB, but this GPU allows at most 128\.0 MiB per buffer/);
    expect(msg).toMatch(/smaller batch \(8\)/);
  });

  it('refuses a run over the memory budget with the breakdown', () => {
    const c = { ...DEFAULT_CONFIG, nLayer: 48, nEmbd: 1024, nHead: 16, blockSize: 256, vocabSize: 256 };
    const e = estimateMemory(c, 4, 256);
    const msg = checkMemory(e, { ...limits, maxStorageBufferBindingSize: 2 ** 34, maxBufferSize: 2 ** 34 }, c, 4, 256);
    expect(msg).toMatch(/Training would need .* GiB of GPU memory \(parameters/);
    expect(msg).toMatch(/width \(1024\)/);
  });
});
