// The start-up probe's list against what the app really compiles: a GPU model created the
// way the worker creates it, trained, evaluated, sampled with f32 and f16 weights, with its
// attention mapped, compiles exactly the probe's modules on a fresh device.
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type GPTConfig } from '../core/config';
import { DEFAULT_TRAIN, type TrainSettings } from '../core/settings';
import { acquireGpu } from '../engine/gpu/device';
import type { KernelConfig } from '../engine/kernels/config';
import { defaultKernelConfig } from '../engine/tune/defaults';
import { GpuBackend } from './backends';
import { appShaders } from './probe';

const config: GPTConfig = { ...DEFAULT_CONFIG, nLayer: 1, nHead: 2, nEmbd: 16, blockSize: 8, vocabSize: 7 };
const settings: TrainSettings = { ...DEFAULT_TRAIN, batchSize: 2, blockSize: 8, evalIters: 1, evalEvery: 0 };
const tokens = Uint32Array.from({ length: 200 }, (_, i) => (i * 5) % config.vocabSize);

async function compiledBy(choose: (defaults: KernelConfig) => KernelConfig): Promise<{ compiled: string[]; probed: string[] }> {
  const gpu = await acquireGpu(); // a fresh device: its cache holds only what this model compiles
  try {
    const kernelConfig = choose(defaultKernelConfig(gpu));
    const backend = await GpuBackend.create(gpu, kernelConfig, config, settings, tokens, {});
    try {
      await backend.trainStep();
      await backend.flush();
      await backend.evaluate();
      await backend.attention(tokens.subarray(0, 5));
      for (const halfWeights of [false, true]) {
        const src = await backend.logitsSource({ halfWeights });
        await src.prefill(tokens.subarray(0, 3));
        await src.next(1);
      }
      return { compiled: gpu.pipelines.moduleFiles, probed: appShaders(kernelConfig).map((s) => s.file).sort() };
    } finally {
      backend.destroy();
    }
  } finally {
    gpu.destroy();
  }
}

describe('start-up probe', () => {
  it('compiles exactly the modules the app compiles with the device default', async () => {
    const { compiled, probed } = await compiledBy((c) => c);
    expect(probed).toEqual(compiled);
  });

  it('and without subgroups', async () => {
    const { compiled, probed } = await compiledBy((c) => ({ ...c, subgroups: false, matmul: { ...c.matmul, lanes: false } }));
    expect(probed).toEqual(compiled);
    expect(compiled.filter((f) => f.includes('subgroups'))).toEqual([]);
  });
});
