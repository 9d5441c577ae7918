// A step whose loss is finite but whose gradient norm is not, on a real device: the norm comes
// back with the step's losses, the step is the divergence (named by its norm), and the run
// goes back to its last good weights. With clipping on, an infinite norm scales the update to
// zero; with it off, Adam's v becomes infinite: either way the loss alone would not tell.
import { describe, expect, it } from 'vitest';
import { getTestGpu } from '../testing/gpu';
import { DEFAULT_CONFIG, type GPTConfig } from '../../core/config';
import { DEFAULT_TRAIN, type TrainSettings } from '../../core/settings';
import { Trainer, type StepReport } from './trainer';
import { defaultKernelConfig } from '../tune/defaults';

const tiny: GPTConfig = { ...DEFAULT_CONFIG, nLayer: 1, nHead: 2, nEmbd: 16, blockSize: 8, vocabSize: 11 };
const tokens = Uint32Array.from({ length: 400 }, (_, i) => (i * 7) % tiny.vocabSize);

/**
 * The final LayerNorm's weight set to 1e30: the logits become ~1e29, so the loss (their
 * spread) is still a float32, but the tied head's gradient is ~1e30 and its square overflows
 * the norm's sum.
 */
async function overflowTheBackward(t: Trainer): Promise<void> {
  const params = await t.weights.read('params');
  const lnf = t.weights.layout.entries.find((e) => e.name === 'transformer.ln_f.weight')!;
  params.fill(1e30, lnf.offset, lnf.offset + lnf.size);
  t.weights.write('params', params);
}

describe('a non-finite gradient norm', () => {
  for (const gradClip of [0, 1]) {
    it(`diverges the step whose loss is still finite, names the norm and restores (gradClip ${gradClip})`, async () => {
      const gpu = await getTestGpu();
      const settings: TrainSettings = { ...DEFAULT_TRAIN, batchSize: 2, blockSize: 8, lr: 1e-2, minLr: 1e-2, warmupSteps: 0, maxSteps: 100, gradClip, seed: 3 };
      const reports: StepReport[] = [];
      const diverged: { step: number; loss: number; gradNorm?: number }[] = [];
      const t = await Trainer.create(gpu, defaultKernelConfig(gpu), tiny, settings, tokens, {
        snapshotEvery: 2,
        events: { onStep: (r) => reports.push(r), onDiverged: (step, loss, gradNorm) => diverged.push({ step, loss, gradNorm }) },
      });
      try {
        for (let i = 0; i < 4; i++) await t.trainStep();
        await t.flush();
        const atStep4 = { params: await t.weights.read('params'), m: await t.weights.read('m'), v: await t.weights.read('v') };
        await t.trainStep(); // step 5: its loss and norm confirm the snapshot of step 4
        await t.flush();
        await overflowTheBackward(t);
        await t.trainStep(); // step 6: finite loss, infinite norm
        await t.trainStep(); // step 7: queued before step 6's readback, as in a running loop
        await t.flush();
        const step6 = reports.find((r) => r.step === 6)!;
        expect(Number.isFinite(step6.loss), `step 6 loss ${step6.loss}`).toBe(true);
        expect(t.diverged).toMatchObject({ step: 6, loss: step6.loss });
        expect(Number.isFinite(t.diverged!.gradNorm!), `norm ${t.diverged!.gradNorm}`).toBe(false);
        expect(diverged).toEqual([{ step: 6, loss: step6.loss, gradNorm: t.diverged!.gradNorm }]);
        await expect(t.trainStep()).rejects.toThrow(/diverged at step 6/);
        expect(await t.restoreLastGood()).toBe(4);
        expect(t.diverged).toBeNull();
        expect(t.step).toBe(4);
        expect(await t.weights.read('params')).toEqual(atStep4.params);
        expect(await t.weights.read('m')).toEqual(atStep4.m);
        expect(await t.weights.read('v')).toEqual(atStep4.v);
        reports.length = 0;
        for (let i = 0; i < 2; i++) await t.trainStep();
        await t.flush();
        expect(t.diverged).toBeNull();
        expect(reports.map((r) => r.step)).toEqual([5, 6]);
        expect(reports.every((r) => Number.isFinite(r.loss))).toBe(true);
      } finally {
        t.destroy();
      }
    });
  }
});
