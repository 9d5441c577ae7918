// The last-good-snapshot policy of both backends, run on typed-array slots: which weights a
// divergence goes back to, and the step the run continues from.
import { describe, expect, it } from 'vitest';
import { ArraySnapshotSlots, LastGoodSnapshots, type SnapshotSlots } from './last-good';

/**
 * A toy run whose weights record the step they belong to: params = [step], m = [10 * step],
 * so a restore shows exactly which step's weights came back.
 */
function toyRun(every: number, slots = 2) {
  const params = new Float64Array(1);
  const m = new Float64Array(1);
  const lastGood = new LastGoodSnapshots(new ArraySnapshotSlots([params, m], slots), every);
  let step = 0;
  return {
    params,
    m,
    lastGood,
    get step() {
      return step;
    },
    /** One optimizer step whose loss is `loss`, reported at once as on the CPU. */
    train(loss = 1): boolean {
      lastGood.beforeStep(step);
      step++;
      params[0] = step;
      m[0] = 10 * step;
      return lastGood.reportLoss(step, loss);
    },
    restore(): number {
      const s = lastGood.restore();
      if (s >= 0) step = s;
      return s;
    },
  };
}

describe('last-good snapshots', () => {
  it('hold the weights of step 0 once step 1 comes back finite', () => {
    const run = toyRun(50);
    run.train();
    run.train();
    expect(run.train(NaN)).toBe(true);
    expect(run.lastGood.diverged).toEqual({ step: 3, loss: NaN });
    expect(run.restore()).toBe(0);
    expect([run.params[0], run.m[0]]).toEqual([0, 0]);
    expect(run.lastGood.diverged).toBeNull();
  });

  it('are taken every `every` steps and restore the newest confirmed one', () => {
    const run = toyRun(2);
    for (let i = 0; i < 5; i++) run.train(); // copies of steps 0, 2, 4; step 5 confirms 4
    expect(run.train(Infinity)).toBe(true); // step 6: an infinite loss diverges too
    expect(run.lastGood.diverged).toEqual({ step: 6, loss: Infinity });
    expect(run.restore()).toBe(4);
    expect([run.params[0], run.m[0]]).toEqual([4, 40]);
  });

  it('a copy is not good until the loss computed from it is finite', () => {
    const run = toyRun(2);
    for (let i = 0; i < 4; i++) run.train(); // copies of 0 and 2; 2 confirmed by step 3
    expect(run.lastGood.confirmedStep).toBe(2);
    run.train(NaN); // step 5, computed from the copy of step 4
    expect(run.lastGood.confirmedStep).toBe(2);
    expect(run.restore()).toBe(2);
    expect(run.params[0]).toBe(2);
  });

  it('without a finite loss there is nothing to restore, and the run stays diverged', () => {
    const run = toyRun(50);
    expect(run.train(NaN)).toBe(true);
    run.params[0] = 42;
    expect(run.restore()).toBe(-1);
    expect(run.params[0]).toBe(42);
    expect(run.lastGood.diverged?.step).toBe(1);
  });

  it('report a divergence once, and confirm nothing after it', () => {
    const slots = new ArraySnapshotSlots([new Float64Array(1)]);
    const lastGood = new LastGoodSnapshots(slots, 1);
    lastGood.beforeStep(0);
    expect(lastGood.reportLoss(1, 2)).toBe(false);
    lastGood.beforeStep(1);
    expect(lastGood.reportLoss(2, NaN)).toBe(true);
    lastGood.beforeStep(2);
    expect(lastGood.reportLoss(3, 2)).toBe(false); // finite, but after the divergence
    expect(lastGood.reportLoss(4, NaN)).toBe(false);
    expect(lastGood.diverged).toEqual({ step: 2, loss: NaN });
    expect(lastGood.confirmedStep).toBe(0);
  });

  it('after a restore the copies newer than it are dropped, and the restored one is not copied again', () => {
    const params = new Float64Array(1);
    const inner = new ArraySnapshotSlots([params], 3);
    const saved: number[] = []; // the step of each copy taken
    const slots: SnapshotSlots = { count: 3, save: (slot) => (saved.push(params[0]), inner.save(slot)), load: (slot) => inner.load(slot) };
    const lastGood = new LastGoodSnapshots(slots, 2);
    const step = (from: number, loss: number) => {
      lastGood.beforeStep(from);
      params[0] = from + 1;
      lastGood.reportLoss(from + 1, loss);
    };
    step(0, 1);
    step(1, 1);
    step(2, 1); // the copy of 2 is confirmed
    step(3, NaN);
    lastGood.beforeStep(4); // a step recorded before the divergence was seen (GPU)
    expect(saved).toEqual([0, 2, 4]);
    expect(lastGood.restore()).toBe(2);
    expect(params[0]).toBe(2);
    step(2, NaN); // diverges again straight away
    expect(saved).toEqual([0, 2, 4]);
    params[0] = 99;
    expect(lastGood.restore()).toBe(2); // not the dropped copy of step 4
    expect(params[0]).toBe(2);
  });

  it('a copy dropped by a restore is never confirmed later under the same step', () => {
    // Weights of the trajectory that went bad are tagged 1000 + step, good ones by their step.
    const params = new Float64Array(1);
    const lastGood = new LastGoodSnapshots(new ArraySnapshotSlots([params], 3), 2);
    const take = (step: number, tag = step) => {
      params[0] = tag;
      lastGood.beforeStep(step);
    };
    take(0);
    lastGood.reportLoss(1, 1);
    take(2);
    lastGood.reportLoss(3, 1);
    take(4);
    lastGood.reportLoss(5, 1); // the copy of 4 is good
    take(6, 1006);
    take(8, 1008); // queued before the loss of step 7 came back (GPU)
    lastGood.reportLoss(7, NaN);
    expect(lastGood.restore()).toBe(4);
    expect(params[0]).toBe(4);
    take(6);
    lastGood.reportLoss(7, 1);
    take(8);
    lastGood.reportLoss(9, 1); // confirms the new copy of 8, not the bad one
    lastGood.reportLoss(10, NaN);
    expect(lastGood.restore()).toBe(8);
    expect(params[0]).toBe(8);
  });

  it('a resumed run takes its first copy at the step it resumed from', () => {
    const params = new Float64Array([137]);
    const lastGood = new LastGoodSnapshots(new ArraySnapshotSlots([params]), 50);
    lastGood.beforeStep(137);
    params[0] = 138;
    lastGood.reportLoss(138, 1);
    lastGood.beforeStep(138); // not due
    params[0] = 139;
    lastGood.reportLoss(139, NaN);
    expect(lastGood.restore()).toBe(137);
    expect(params[0]).toBe(137);
  });

  it('never overwrite the confirmed copy while later ones wait for their losses (GPU pipelining)', () => {
    // Losses come back two steps late, as when steps are queued on the GPU.
    const params = new Float64Array(1);
    const lastGood = new LastGoodSnapshots(new ArraySnapshotSlots([params], 3), 1);
    const losses = new Map<number, number>();
    for (let step = 0; step < 6; step++) {
      lastGood.beforeStep(step);
      params[0] = step + 1;
      losses.set(step + 1, step + 1 >= 5 ? NaN : 1);
      if (step >= 1) lastGood.reportLoss(step, losses.get(step)!);
    }
    lastGood.reportLoss(6, losses.get(6)!);
    // Losses of 1..4 finite: the copy of step 3 is confirmed by step 4; step 5 diverged.
    expect(lastGood.restore()).toBe(3);
    expect(params[0]).toBe(3);
  });

  it('need two slots and a positive period', () => {
    expect(() => new LastGoodSnapshots(new ArraySnapshotSlots([new Float64Array(1)], 1), 5)).toThrow(/2 slots/);
    expect(() => new LastGoodSnapshots(new ArraySnapshotSlots([new Float64Array(1)]), 0)).toThrow(/every/);
  });
});
