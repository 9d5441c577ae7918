// Seeds for randomized tests: fixed by default, so that a run is reproducible and a test
// cannot pass on one run and fail on the next; the TEST_SEED environment variable explores:
//
//   unset              the k-th testSeed() call of a test gets a fixed seed derived from the
//                      test's full name and k (so filtering or adding tests changes nothing)
//   TEST_SEED=random   fresh random seeds on every call (each failure message names its seed)
//   TEST_SEED=<n>      every call returns n: replays a failure that printed `seed n`
//
// Whatever the mode, a failing test's error message ends with the seeds it drew. The variable
// reaches the browser (GPU tests) through vitest's `provide` (vite.config.ts)
// and `inject`, since a page has no process.env; Node reads the same value the same way.
import { expect, inject, onTestFailed } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The vitest process's TEST_SEED ('' when unset). */
    testSeed: string;
  }
}

export type SeedMode = { kind: 'fixed' } | { kind: 'random' } | { kind: 'replay'; seed: number };

/** How TEST_SEED's value is read: '' fixed, 'random', or a 32-bit unsigned integer. */
export function parseSeedMode(value: string | undefined): SeedMode {
  const v = (value ?? '').trim();
  if (v === '' || v === 'fixed') return { kind: 'fixed' };
  if (v === 'random') return { kind: 'random' };
  if (/^\d+$/.test(v) && Number(v) <= 0xffffffff) return { kind: 'replay', seed: Number(v) };
  throw new Error(`TEST_SEED must be unset, 'random' or an integer in [0, 2^32), got '${v}'`);
}

function providedValue(): string | undefined {
  try {
    const v = inject('testSeed');
    if (typeof v === 'string') return v;
  } catch {
    // not inside a vitest worker
  }
  return typeof process !== 'undefined' ? process.env.TEST_SEED : undefined;
}

let mode: SeedMode | null = null;
/** The seeds each test (by full name) has drawn, in order. */
const drawn = new Map<string, number[]>();

/** FNV-1a of the string, then a SplitMix32 finaliser: a well-spread 32-bit seed. */
export function hashSeed(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * A seed for a randomized test (put it in the failure messages too: `seed ${seed}`). Fixed by
 * default: the k-th call inside a test named N returns hashSeed(`N#k`); calls outside any
 * test count under the name ''.
 */
export function testSeed(): number {
  mode ??= parseSeedMode(providedValue());
  const name = expect.getState().currentTestName ?? '';
  let seeds = drawn.get(name);
  if (!seeds) {
    seeds = [];
    drawn.set(name, seeds);
    if (name) appendSeedsOnFailure(seeds);
  }
  const seed = mode.kind === 'replay' ? mode.seed : mode.kind === 'random' ? (Math.random() * 2 ** 32) >>> 0 : hashSeed(`${name}#${seeds.length}`);
  seeds.push(seed);
  return seed;
}

function appendSeedsOnFailure(seeds: readonly number[]): void {
  try {
    onTestFailed(({ task }) => {
      const note = ` [test seeds: ${seeds.join(', ')}; replay one with TEST_SEED=<seed>]`;
      for (const e of task.result?.errors ?? []) e.message = `${e.message ?? ''}${note}`;
    });
  } catch {
    // not inside a running test
  }
}
