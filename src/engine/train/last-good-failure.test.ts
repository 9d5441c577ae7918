// The last-good policy when a step fails on the GPU (not a divergence): nothing after the
// failed step confirms a copy, a restore goes back to the newest confirmed one, and forget()
// drops every copy when the live weights come from elsewhere.
import { describe, expect, it } from 'vitest';
import { ArraySnapshotSlots, LastGoodSnapshots } from './last-good';

function toyRun(every: number) {
  const params = new Float64Array(1);
  const lastGood = new LastGoodSnapshots(new ArraySnapshotSlots([params], 3), every);
  let step = 0;
  return {
    params,
    lastGood,
    /** Queues one step (its copy, if due, and its update); its loss is reported separately. */
    queue(): number {
      lastGood.beforeStep(step);
      step++;
      params[0] = step;
      return step;
    },
  };
}

describe('last-good snapshots after a failed step', () => {
  it('losses after the failure confirm nothing; restore goes to the newest confirmed copy', () => {
    const run = toyRun(2);
    for (let s = 1; s <= 3; s++) run.lastGood.reportLoss(run.queue(), 1); // copies of 0 and 2; step 3 confirms 2
    expect(run.lastGood.confirmed).toEqual({ slot: 1, step: 2 });
    const failed = run.queue(); // step 4
    const next = run.queue(); // step 5, queued before 4's outcome: its copy of 4 is not good
    run.lastGood.reportFailedStep(failed);
    expect(run.lastGood.reportLoss(next, 1)).toBe(false);
    expect(run.lastGood.confirmedStep).toBe(2);
    expect(run.lastGood.diverged).toBeNull(); // a failure is not a divergence
    expect(run.lastGood.restore()).toBe(2);
    expect(run.params[0]).toBe(2);
  });

  it('forget() drops every copy and the failure; the next step takes a fresh copy', () => {
    const run = toyRun(50);
    run.lastGood.reportLoss(run.queue(), 1); // copy of 0, confirmed
    run.lastGood.reportFailedStep(run.queue());
    run.lastGood.forget();
    expect(run.lastGood.confirmed).toBeNull();
    run.params[0] = 7; // the live weights were put back from elsewhere
    const s = run.queue(); // copy of the weights "of step 2"
    expect(run.lastGood.reportLoss(s, 1)).toBe(false);
    expect(run.lastGood.confirmedStep).toBe(2);
  });
});
