// What a GPU training step leaves behind, against the float64 trainer and against AdamW's
// definition: the gradients summed over micro-batches, and which parameters weight decay
// touches. Losses alone cannot show either (Adam divides out a gradient's scale, and decay
// moves the loss by little), so these read the buffers.
import { describe, expect, it } from 'vitest';
import { getTestGpu } from '../testing/gpu';
import { expectClose } from '../testing/compare';
import { randint } from '../testing/random';
import { testSeed } from '../testing/seed';
import { bothReductions } from '../testing/reductions';
import { Rng } from '../../core/rng';
import { DEFAULT_CONFIG, type GPTConfig } from '../../core/config';
import { DEFAULT_TRAIN, type TrainSettings } from '../../core/settings';
import { CpuTrainer } from './cpu-trainer';
import { Trainer } from './trainer';
import { defaultKernelConfig } from '../tune/defaults';

const tiny: GPTConfig = { ...DEFAULT_CONFIG, nLayer: 2, nHead: 2, nEmbd: 16, blockSize: 8, vocabSize: 11 };

// As in model/gpt.gpu.test.ts: a float32 forward and backward through ~20 kernels against
// float64, each tensor's error bounded relative to its largest gradient.
const GRAD_RTOL = 2e-3;

const maxAbs = (x: ArrayLike<number>) => Array.from(x).reduce((m, v) => Math.max(m, Math.abs(v)), 0);

describe('gradient accumulation', () => {
  it('after one step of three micro-batches the gradient buffer holds the mean gradient, as the float64 trainer computes it', async () => {
    const gpu = await getTestGpu();
    const seed = testSeed();
    const k = 3;
    const settings: TrainSettings = { ...DEFAULT_TRAIN, batchSize: 2, blockSize: 8, lr: 1e-2, minLr: 1e-2, warmupSteps: 0, maxSteps: 5, gradAccumSteps: k, seed };
    const tokens = randint(new Rng(seed), 500, tiny.vocabSize);
    const cpu = CpuTrainer.reference(tiny, settings, tokens);
    await cpu.trainStep(); // its grads: the mean over the k micro-batches of each one's mean-loss gradient
    for (const [how, kernelConfig] of bothReductions(defaultKernelConfig(gpu))) {
      const trainer = await Trainer.create(gpu, kernelConfig, tiny, settings, tokens);
      try {
        await trainer.trainStep();
        await trainer.flush();
        const grads = await trainer.weights.read('grads'); // AdamW reads them; nothing clears them until the next step
        for (const e of trainer.weights.layout.entries) {
          const r = cpu.model.param(e.name, cpu.model.grads);
          const scale = maxAbs(r);
          expect(scale, `${e.name} has a gradient`).toBeGreaterThan(0);
          expectClose(`${how}: accumulated d ${e.name}`, grads.subarray(e.offset, e.offset + e.size), r, { atol: GRAD_RTOL * scale, rtol: GRAD_RTOL }, seed);
        }
      } finally {
        trainer.destroy();
      }
    }
  });
});

describe('weight decay', () => {
  it('a step with decay differs from one without by −lr·decay·p on the 2-D weights, and not at all on biases and LayerNorm', async () => {
    const gpu = await getTestGpu();
    const seed = testSeed();
    const lr = 1e-2;
    const weightDecay = 0.5;
    const settings: TrainSettings = { ...DEFAULT_TRAIN, batchSize: 2, blockSize: 8, lr, minLr: lr, warmupSteps: 0, maxSteps: 5, seed };
    const tokens = randint(new Rng(seed), 400, tiny.vocabSize);
    const kernelConfig = defaultKernelConfig(gpu);
    // Two trainers on the same weights and batches; the one difference is the decay.
    const after = async (decay: number) => {
      const trainer = await Trainer.create(gpu, kernelConfig, tiny, { ...settings, weightDecay: decay }, tokens);
      try {
        const before = await trainer.weights.read('params');
        await trainer.trainStep();
        await trainer.flush();
        return { before, after: await trainer.weights.read('params'), layout: trainer.weights.layout };
      } finally {
        trainer.destroy();
      }
    };
    const plain = await after(0);
    const decayed = await after(weightDecay);
    expect(decayed.before).toEqual(plain.before);
    const p0 = plain.before;
    let decayedTensors = 0;
    for (const e of plain.layout.entries) {
      const slice = (x: Float32Array) => x.subarray(e.offset, e.offset + e.size);
      const diff = Float64Array.from(slice(decayed.after), (v, i) => v - slice(plain.after)[i]);
      if (e.shape.length === 2) {
        // PyTorch's AdamW: p ← p − lr·decay·p, then the same Adam update as without decay.
        // Each run rounds p to f32 once or twice (≤ 2^-24·|p| each, |p| ≤ max|p0| + lr after
        // a first Adam step of size ~lr), and lr·decay is rounded to f32 once (6e-8).
        const expected = Float64Array.from(slice(p0), (p) => -lr * weightDecay * p);
        const atol = 4 * 2 ** -24 * (maxAbs(slice(p0)) + lr);
        expectClose(`decay of ${e.name}`, diff, expected, { atol, rtol: 1e-6 }, seed);
        decayedTensors++;
      } else {
        expect(maxAbs(diff), `${e.name} (${e.shape.length}-D) must not be decayed; seed ${seed}`).toBe(0);
      }
    }
    expect(decayedTensors).toBeGreaterThan(0);
  });
});
