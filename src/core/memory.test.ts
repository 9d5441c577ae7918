import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from './config';
import { checkMemory, estimateMemory } from './memory';
import { countParams } from './params';
import { decoderBytes, inspectorBytes, halfWeightsBytes, inferenceBytes, largestReadbackBytes, SNAPSHOT_SLOTS } from './allocations';

const limits = { maxBufferSize: 256 * 2 ** 20, maxStorageBufferBindingSize: 128 * 2 ** 20, budget: 2 ** 30 };

describe('memory preflight', () => {
  it('counts parameters, gradients, Adam state and activations', () => {
    const c = { ...DEFAULT_CONFIG, vocabSize: 65 };
    const e = estimateMemory(c, 16, 64);
    expect(e.params).toBeGreaterThanOrEqual(countParams(c) * 4);
    expect(e.grads).toBe(e.params);
    expect(e.adam).toBe(2 * e.params);
    expect(e.total).toBe(e.params + e.grads + e.adam + e.snapshots + e.activations + e.staging + e.sampling + e.inspect);
    expect(e.inspect).toBe(inspectorBytes(c));
    expect(checkMemory(e, limits, c, 16, 64)).toBeNull();
  });

  it('counts the last-good snapshots, the readback, sampling and the f16 copy from the engine\'s tables', () => {
    const c = { ...DEFAULT_CONFIG, vocabSize: 65 };
    const e = estimateMemory(c, 16, 64);
    expect(e.snapshots).toBe(SNAPSHOT_SLOTS * 3 * e.params); // params, m and v per slot
    expect(e.staging).toBeGreaterThanOrEqual(largestReadbackBytes(c));
    // f32 inference with the heatmaps' plans, two decoders (f32, f16) and the f16 copy.
    expect(e.sampling).toBe(inferenceBytes(c, true) + 2 * decoderBytes(c) + halfWeightsBytes(c));
    expect(halfWeightsBytes(c)).toBeGreaterThanOrEqual(e.params / 2);
    // Without the mask there is no KV cache: the f16 path is an inference of its own.
    const nc = { ...c, causal: false };
    expect(estimateMemory(nc, 16, 64).sampling).toBe(inferenceBytes(nc, true) + inferenceBytes(nc, false) + halfWeightsBytes(nc));
    // More micro-batches per step stage their inputs.
    expect(estimateMemory(c, 16, 64, 4).staging).toBeGreaterThan(e.staging);
  });

  it('a 30M-parameter model: what the old preflight left out is more than 1 GiB', () => {
    const c = { ...DEFAULT_CONFIG, nLayer: 10, nHead: 8, nEmbd: 512, blockSize: 256, vocabSize: 65 };
    expect(countParams(c)).toBeGreaterThan(30e6);
    const e = estimateMemory(c, 16, 256);
    expect(e.snapshots + e.staging + e.sampling).toBeGreaterThan(2 ** 30);
    expect(e.total).toBeGreaterThan(e.params + e.grads + e.adam + e.activations + 2 ** 30);
  });

  it('refuses heatmap probabilities larger than one binding, suggesting a smaller block size', () => {
    const c = { ...DEFAULT_CONFIG, nHead: 16, nEmbd: 256, blockSize: 2048, vocabSize: 65 };
    const e = estimateMemory(c, 1, 64);
    expect(e.largest.name).toBe('h0.probs');
    expect(checkMemory(e, limits, c, 1, 64)).toMatch(/h0\.probs tensor needs 256 MiB.*smaller block size \(2048\) or fewer heads \(16\)/);
  });

  it('refuses a logits tensor larger than one binding, suggesting a smaller batch or vocabulary', () => {
    const c = { ...DEFAULT_CONFIG, vocabSize: 50257, blockSize: 1024 };
    const e = estimateMemory(c, 8, 1024);
    const msg = checkMemory(e, limits, c, 8, 1024);
    expect(msg).toMatch(/logits tensor needs 1\.5 GiB, but this GPU allows at most 128 MiB per buffer/);
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
