// A trainer created with deferBuild holds its weights at once and builds its training plan on
// the first step: what it trains is the same as an eager trainer's, and a trainer destroyed
// while its plan is being built leaves no buffer behind.
import { describe, expect, it } from 'vitest';
import { getTestGpu } from '../testing/gpu';
import { DEFAULT_CONFIG, type GPTConfig } from '../../core/config';
import { DEFAULT_TRAIN, type TrainSettings } from '../../core/settings';
import { defaultKernelConfig } from '../tune/defaults';
import { Trainer, type StepReport } from './trainer';

const cfg: GPTConfig = { ...DEFAULT_CONFIG, nLayer: 1, nHead: 2, nEmbd: 16, blockSize: 8, vocabSize: 7 };
const settings: TrainSettings = { ...DEFAULT_TRAIN, batchSize: 2, blockSize: 8, maxSteps: 10, seed: 5 };
const tokens = Uint32Array.from({ length: 200 }, (_, i) => (i * 3) % cfg.vocabSize);

async function losses(deferBuild: boolean, steps: number): Promise<{ losses: number[]; planBefore: boolean }> {
  const gpu = await getTestGpu();
  const reports: StepReport[] = [];
  const t = await Trainer.create(gpu, defaultKernelConfig(gpu), cfg, settings, tokens, { events: { onStep: (r) => reports.push(r) }, deferBuild });
  let planBefore = true;
  try {
    t.plan;
  } catch {
    planBefore = false;
  }
  try {
    for (let i = 0; i < steps; i++) await t.trainStep();
    await t.flush();
  } finally {
    t.destroy();
  }
  return { losses: reports.map((r) => r.loss), planBefore };
}

describe('a trainer that builds its plan on first use', () => {
  it('has no plan until the first step, then trains exactly as an eager one', async () => {
    const eager = await losses(false, 3);
    const deferred = await losses(true, 3);
    expect(eager.planBefore).toBe(true);
    expect(deferred.planBefore).toBe(false);
    expect(deferred.losses).toHaveLength(3);
    expect(deferred.losses).toEqual(eager.losses); // same device, same batches: bit for bit
  });

  it('destroyed while the plan is built: the build fails and frees what it made', async () => {
    const gpu = await getTestGpu();
    const before = gpu.ledger.liveBytes();
    const t = await Trainer.create(gpu, defaultKernelConfig(gpu), { ...cfg, nEmbd: 24, nHead: 3 }, settings, tokens, { deferBuild: true });
    const building = t.prepare();
    t.destroy();
    await expect(building).rejects.toThrow(/destroyed while its plan was built/);
    expect(gpu.ledger.liveBytes()).toBe(before);
  });
});
