// The CPU copy of the last good state: which snapshot it reads back, and when it keeps what it
// was offered. The reads are stand-ins here; trainer-faults.gpu.test.ts reads real slots.
import { describe, expect, it } from 'vitest';
import { CpuCopyOfLastGood, type TrainingState } from './cpu-copy';

const state = (step: number, value = step): TrainingState => ({ step, params: Float32Array.of(value), m: Float32Array.of(10 * value), v: Float32Array.of(100 * value) });

function setup() {
  let confirmed: { slot: number; step: number } | null = null;
  const reads: { slot: number; resolve: (s: Omit<TrainingState, 'step'>) => void; reject: (e: Error) => void }[] = [];
  const copy = new CpuCopyOfLastGood(
    state(0),
    () => confirmed,
    (slot) => new Promise((resolve, reject) => reads.push({ slot, resolve, reject })),
  );
  const confirm = (slot: number, step: number) => {
    confirmed = { slot, step };
    copy.refresh();
  };
  const settle = () => new Promise((r) => setTimeout(r, 0));
  return { copy, reads, confirm, settle };
}

describe('the CPU copy of the last good state', () => {
  it('starts as the initial state and follows each newer confirmed snapshot', async () => {
    const { copy, reads, confirm, settle } = setup();
    expect(copy.latest.step).toBe(0);
    confirm(0, 0); // the step-0 snapshot: already held
    expect(reads).toHaveLength(0);
    confirm(1, 50);
    expect(reads.map((r) => r.slot)).toEqual([1]);
    reads[0].resolve(state(50));
    await settle();
    expect(copy.latest.step).toBe(50);
    expect(Array.from(copy.latest.params)).toEqual([50]);
  });

  it('reads one snapshot at a time, and the newest confirmed meanwhile next', async () => {
    const { copy, reads, confirm, settle } = setup();
    confirm(1, 50);
    confirm(2, 100); // while the first read is under way
    expect(reads).toHaveLength(1);
    reads[0].resolve(state(50));
    await settle();
    expect(reads.map((r) => r.slot)).toEqual([1, 2]);
    reads[1].resolve(state(100));
    await settle();
    expect(copy.latest.step).toBe(100);
  });

  it('keeps the older copy when a read fails (a lost device), and stops reading once stopped', async () => {
    const { copy, reads, confirm, settle } = setup();
    confirm(1, 50);
    reads[0].reject(new Error('The Device was lost before mapping was resolved.'));
    await settle();
    expect(copy.latest.step).toBe(0);
    copy.stop();
    confirm(2, 100);
    expect(reads).toHaveLength(1);
  });

  it('takes an offered state only when newer and entirely finite', () => {
    const { copy } = setup();
    copy.offer(state(7));
    expect(copy.latest.step).toBe(7);
    copy.offer(state(5));
    expect(copy.latest.step).toBe(7);
    copy.offer({ ...state(9), v: Float32Array.of(NaN) });
    expect(copy.latest.step).toBe(7);
  });
});
