// The trainer's faults on a real device: a step the GPU refuses is caught by its error scopes
// and reported with the scope's kind and message when its loss would have come back; the
// last good state follows confirmed snapshots onto the CPU; and a trainer destroyed with
// steps still queued leaves no promise without a handler.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTestGpu } from '../testing/gpu';
import { DEFAULT_CONFIG, type GPTConfig } from '../../core/config';
import { DEFAULT_TRAIN, type TrainSettings } from '../../core/settings';
import { Trainer, type StepReport } from './trainer';
import { defaultKernelConfig } from '../tune/defaults';

const tiny: GPTConfig = { ...DEFAULT_CONFIG, nLayer: 1, nHead: 2, nEmbd: 16, blockSize: 8, vocabSize: 11 };
const settings: TrainSettings = { ...DEFAULT_TRAIN, batchSize: 2, blockSize: 8, lr: 1e-2, minLr: 1e-2, warmupSteps: 0, maxSteps: 100 };
const tokens = Uint32Array.from({ length: 400 }, (_, i) => (i * 7) % tiny.vocabSize);

const rejections: unknown[] = [];
const onRejection = (e: PromiseRejectionEvent) => rejections.push(e.reason);
beforeAll(() => window.addEventListener('unhandledrejection', onRejection));
afterAll(() => window.removeEventListener('unhandledrejection', onRejection));

async function trainer(reports: StepReport[] = []): Promise<Trainer> {
  const gpu = await getTestGpu();
  return Trainer.create(gpu, defaultKernelConfig(gpu), tiny, settings, tokens, { snapshotEvery: 2, events: { onStep: (r) => reports.push(r) } });
}

/** A dispatch with no pipeline: refused by validation when the step's encoder is finished. */
function badDispatch(enc: GPUCommandEncoder): void {
  const pass = enc.beginComputePass();
  pass.dispatchWorkgroups(1);
  pass.end();
}

async function until(what: string, done: () => boolean): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('trainer faults', () => {
  it('a refused step is a validation fault, nothing after it reports, and restore goes back to the confirmed snapshot', async () => {
    const reports: StepReport[] = [];
    const t = await trainer(reports);
    try {
      for (let i = 0; i < 2; i++) await t.trainStep();
      await t.flush();
      const atStep2 = await t.weights.read('params');
      await t.trainStep(); // step 3: its loss confirms the snapshot of step 2
      t.recordIntoNextStep(badDispatch);
      await t.trainStep(); // step 4: refused
      await t.trainStep(); // step 5: queued before step 4's outcome is known
      await t.flush();
      expect(t.fault).toMatchObject({ step: 4, kind: 'validation' });
      expect(t.fault!.message).toMatch(/pipeline/i);
      expect(reports.map((r) => r.step)).toEqual([1, 2, 3]);
      await expect(t.trainStep()).rejects.toThrow(/step 4 failed on the GPU/);
      expect(await t.restoreLastGood()).toBe(2);
      expect(t.fault).toBeNull();
      expect(await t.weights.read('params')).toEqual(atStep2);
      await t.trainStep();
      await t.flush();
      expect(reports.at(-1)!.step).toBe(3);
    } finally {
      t.destroy();
    }
  });

  it('with no snapshot confirmed yet, a refused step goes back to the state it started from, kept on the CPU', async () => {
    const t = await trainer();
    try {
      const initial = await t.weights.read('params');
      t.recordIntoNextStep(badDispatch);
      await t.trainStep(); // step 1: its own snapshot of step 0 was in the refused encoder
      await t.flush();
      expect(t.fault?.step).toBe(1);
      expect(await t.restoreLastGood()).toBe(0);
      expect(await t.weights.read('params')).toEqual(initial);
    } finally {
      t.destroy();
    }
  });

  it('the copy on the CPU follows confirmed snapshots, read back in the background', async () => {
    const t = await trainer();
    try {
      expect(t.lastGoodOnCpu.step).toBe(0);
      for (let i = 0; i < 4; i++) await t.trainStep();
      await t.flush();
      const atStep4 = await t.weights.read('params');
      const m4 = await t.weights.read('m');
      await t.trainStep(); // step 5's loss confirms the snapshot of step 4
      await t.flush();
      await until('the CPU copy of step 4', () => t.lastGoodOnCpu.step === 4);
      expect(t.lastGoodOnCpu.params).toEqual(atStep4);
      expect(t.lastGoodOnCpu.m).toEqual(m4);
    } finally {
      t.destroy();
    }
  });

  it('destroyed with steps queued: their failed readbacks are handled', async () => {
    const t = await trainer();
    await t.trainStep();
    await t.trainStep();
    t.destroy();
    await new Promise((r) => setTimeout(r, 300));
    expect(rejections).toEqual([]);
  });
});
