// Training on the GPU against the float64 trainer: the same ten steps (batches, schedule,
// clipping, AdamW) give the same losses, as llm.c's test_gpt2 checks against PyTorch.
import { describe, expect, it } from 'vitest';
import { getTestGpu } from '../testing/gpu';
import { randint } from '../testing/random';
import { Rng } from '../../core/rng';
import { testSeed } from '../testing/seed';
import { CpuTrainer } from './cpu-trainer';
import { DEFAULT_CONFIG, type GPTConfig } from '../../core/config';
import { DEFAULT_TRAIN, type TrainSettings } from '../../core/settings';
import { Trainer, type StepReport } from './trainer';
import { countGpuCalls } from '../gpu/counters';
import { defaultKernelConfig } from '../tune/defaults';
import { bothReductions } from '../testing/reductions';

const tiny: GPTConfig = { ...DEFAULT_CONFIG, nLayer: 2, nHead: 2, nEmbd: 16, blockSize: 8, vocabSize: 11 };
// Ten steps of float32 against float64 compound small differences; the loss moves by ~0.1
// over the run, so 2e-3 relative still catches a wrong update.
const LOSS_RTOL = 2e-3;

/** A corpus with structure, so the loss falls: a repeating pattern plus noise. */
function corpus(cfg: GPTConfig, seed: number): Uint32Array {
  const noise = randint(new Rng(seed), 600, cfg.vocabSize);
  return Uint32Array.from({ length: 600 }, (_, i) => (i % 5 === 4 ? noise[i] : i % cfg.vocabSize));
}

/**
 * The float64 trainer's losses, then the GPU trainer's on each row reduction the device has
 * (subgroup and workgroup, or workgroup alone).
 */
async function compareRuns(cfg: GPTConfig, settings: TrainSettings, steps: number) {
  const gpu = await getTestGpu();
  const tokens = corpus(cfg, settings.seed);
  const ref = CpuTrainer.reference(cfg, settings, tokens);
  const refLosses: number[] = [];
  for (let i = 0; i < steps; i++) refLosses.push((await ref.trainStep()).loss);
  const runs: { how: string; losses: number[]; reports: StepReport[] }[] = [];
  for (const [how, kernelConfig] of bothReductions(defaultKernelConfig(gpu))) {
    const reports: StepReport[] = [];
    const trainer = await Trainer.create(gpu, kernelConfig, cfg, settings, tokens, { events: { onStep: (r) => reports.push(r) } });
    try {
      for (let i = 0; i < steps; i++) await trainer.trainStep();
      await trainer.flush();
    } finally {
      trainer.destroy();
    }
    runs.push({ how, losses: reports.map((r) => r.loss), reports });
  }
  return { refLosses, runs };
}

describe('GPU trainer matches the float64 trainer', () => {
  it('ten AdamW steps with warm-up, clipping and weight decay give the same losses', async () => {
    const seed = testSeed();
    const settings: TrainSettings = { ...DEFAULT_TRAIN, batchSize: 3, blockSize: 8, lr: 1e-2, minLr: 1e-3, warmupSteps: 3, maxSteps: 10, gradClip: 0.5, seed };
    const { refLosses, runs } = await compareRuns(tiny, settings, 10);
    for (const { how, losses, reports } of runs) {
      expect(reports.map((r) => r.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      for (let i = 0; i < 10; i++) {
        expect(Math.abs(losses[i] - refLosses[i]) / refLosses[i], `${how}, step ${i + 1}: gpu ${losses[i]} ref ${refLosses[i]} seed ${seed}`).toBeLessThan(LOSS_RTOL);
      }
    }
    expect(refLosses[9]).toBeLessThan(refLosses[0]); // it learns
  });

  it('gradient accumulation: two micro-batches per step match the reference', async () => {
    const seed = testSeed();
    const settings: TrainSettings = { ...DEFAULT_TRAIN, batchSize: 2, blockSize: 8, lr: 1e-2, minLr: 1e-2, warmupSteps: 0, maxSteps: 5, gradAccumSteps: 2, seed };
    const { refLosses, runs } = await compareRuns({ ...tiny, norm: 'post', activation: 'relu' }, settings, 5);
    for (const { how, losses } of runs) {
      for (let i = 0; i < 5; i++) {
        expect(Math.abs(losses[i] - refLosses[i]) / refLosses[i], `${how}, step ${i + 1}: gpu ${losses[i]} ref ${refLosses[i]} seed ${seed}`).toBeLessThan(LOSS_RTOL);
      }
    }
  });
});

describe('GPU work per step', () => {
  it('weights resumed without their moments (a demo) start Adam afresh: the run from step 500 takes the steps of a run from step 0', async () => {
    const gpu = await getTestGpu();
    // One token throughout, so every batch is the same at any step, and a constant learning
    // rate: only Adam's bias correction could tell the two runs apart.
    const settings: TrainSettings = { ...DEFAULT_TRAIN, batchSize: 2, blockSize: 8, lr: 1e-2, minLr: 1e-2, warmupSteps: 0, maxSteps: 100, evalEvery: 0, seed: testSeed() };
    const same = new Uint32Array(300).fill(3);
    const params = await (async () => {
      const t = await Trainer.create(gpu, defaultKernelConfig(gpu), tiny, settings, same, { deferBuild: true });
      try {
        return await t.weights.read('params');
      } finally {
        t.destroy();
      }
    })();
    const after = async (step: number) => {
      const t = await Trainer.create(gpu, defaultKernelConfig(gpu), tiny, settings, same, { params, step });
      try {
        for (let i = 0; i < 5; i++) await t.trainStep();
        await t.flush();
        expect(t.step).toBe(step + 5);
        return await t.weights.read('params');
      } finally {
        t.destroy();
      }
    };
    expect(Array.from(await after(500))).toEqual(Array.from(await after(0)));
  });

  it('one submission per optimizer step, with every planned dispatch in it, and no wait inside the step', async () => {
    const gpu = await getTestGpu();
    const seed = testSeed();
    const settings: TrainSettings = { ...DEFAULT_TRAIN, batchSize: 2, blockSize: 8, maxSteps: 10, warmupSteps: 0, gradAccumSteps: 2, evalEvery: 0, seed };
    const tokens = randint(new Rng(seed), 400, tiny.vocabSize);
    const trainer = await Trainer.create(gpu, defaultKernelConfig(gpu), tiny, settings, tokens);
    try {
      await trainer.trainStep(); // pipelines built, first snapshot taken
      await trainer.flush();
      const { counts, stop } = countGpuCalls(gpu);
      try {
        for (let i = 0; i < 3; i++) await trainer.trainStep();
      } finally {
        stop();
      }
      expect(counts.submits).toBe(3);
      expect(counts.dispatches).toBe(3 * trainer.stepDispatches().length);
      await trainer.flush();
    } finally {
      trainer.destroy();
    }
  });
});

describe('recovery from a NaN loss', () => {
  it('reports the divergence and restores the last weights known to be good', async () => {
    const gpu = await getTestGpu();
    const seed = testSeed();
    const tokens = Uint32Array.from({ length: 400 }, (_, i) => (i * 7) % tiny.vocabSize);
    const settings: TrainSettings = { ...DEFAULT_TRAIN, batchSize: 2, blockSize: 8, lr: 1e-2, minLr: 1e-2, warmupSteps: 0, maxSteps: 100, gradClip: 0, seed };
    let divergedAt = -1;
    const trainer = await Trainer.create(gpu, defaultKernelConfig(gpu), tiny, settings, tokens, { snapshotEvery: 2, events: { onDiverged: (s) => (divergedAt = s) } });
    for (let i = 0; i < 4; i++) await trainer.trainStep();
    await trainer.flush();
    const good = await trainer.weights.read('params'); // after step 4 (a snapshot step)
    trainer.update({ lr: 1e30, minLr: 1e30 });
    for (let i = 0; i < 2; i++) await trainer.trainStep(); // step 5 finite (confirms snapshot 4), then blows up
    await trainer.flush();
    while (!trainer.diverged && trainer.step < 20) {
      await trainer.trainStep();
      await trainer.flush();
    }
    expect(trainer.diverged).not.toBeNull();
    expect(divergedAt).toBeGreaterThan(4);
    await expect(trainer.trainStep()).rejects.toThrow(/diverged/);
    const restored = await trainer.restoreLastGood();
    expect(restored).toBeGreaterThanOrEqual(4);
    expect(restored % 2).toBe(0);
    expect(trainer.step).toBe(restored);
    const params = await trainer.weights.read('params');
    expect(params.every(Number.isFinite)).toBe(true);
    if (restored === 4) expect(params).toEqual(good);
    trainer.update({ lr: 1e-3, minLr: 1e-3 });
    await trainer.trainStep(); // training continues
    await trainer.flush();
    trainer.destroy();
  });
});

describe('evaluation on the GPU', () => {
  it('averages the same batches as the CPU trainer, each forward on its own batch', async () => {
    const gpu = await getTestGpu();
    const seed = testSeed();
    // A learnt structure makes the batches' losses differ, so a mixed-up batch would show.
    const settings: TrainSettings = { ...DEFAULT_TRAIN, batchSize: 2, blockSize: 8, lr: 1e-2, minLr: 1e-2, warmupSteps: 0, maxSteps: 10, evalIters: 5, seed };
    const tokens = corpus(tiny, seed);
    const trainer = await Trainer.create(gpu, defaultKernelConfig(gpu), tiny, settings, tokens);
    try {
      const cpu = CpuTrainer.reference(tiny, settings, tokens);
      for (let i = 0; i < 6; i++) {
        await trainer.trainStep();
        await cpu.trainStep();
      }
      const gpuReport = await trainer.evaluate();
      const cpuReport = await cpu.evaluate();
      expect(gpuReport.step).toBe(6);
      expect(cpuReport.step).toBe(6);
      for (const which of ['train', 'val'] as const) {
        const rel = Math.abs(gpuReport[which] - cpuReport[which]) / cpuReport[which];
        expect(rel, `${which}: gpu ${gpuReport[which]} cpu ${cpuReport[which]} seed ${seed}`).toBeLessThan(LOSS_RTOL);
      }
    } finally {
      trainer.destroy();
    }
  });
});

describe('snapshot from step 0', () => {
  it('a run that diverges before the first periodic snapshot goes back to its initial weights', async () => {
    const gpu = await getTestGpu();
    const seed = testSeed();
    const tokens = Uint32Array.from({ length: 400 }, (_, i) => (i * 7) % tiny.vocabSize);
    const settings: TrainSettings = { ...DEFAULT_TRAIN, batchSize: 2, blockSize: 8, lr: 1e-2, minLr: 1e-2, warmupSteps: 0, maxSteps: 100, gradClip: 0, seed };
    const trainer = await Trainer.create(gpu, defaultKernelConfig(gpu), tiny, settings, tokens, { snapshotEvery: 50 });
    try {
      const initial = await trainer.weights.read('params');
      trainer.update({ lr: 1e30, minLr: 1e30 });
      while (!trainer.diverged && trainer.step < 20) {
        await trainer.trainStep();
        await trainer.flush();
      }
      expect(trainer.diverged).not.toBeNull();
      expect(await trainer.restoreLastGood()).toBe(0);
      expect(trainer.step).toBe(0);
      expect(trainer.diverged).toBeNull();
      expect(await trainer.weights.read('params')).toEqual(initial);
      expect(await trainer.weights.read('m')).toEqual(new Float32Array(initial.length));
    } finally {
      trainer.destroy();
    }
  });
});
