// The live views' clock: at most every ~2 s, at least every ~10 s, slow redraws spaced out,
// never two in flight, and an owed redraw as soon as the view is free.
import { describe, expect, it } from 'vitest';
import { afterRefresh, idleViewClock, liveGap, liveRefreshDue, LIVE_MAX_GAP_MS, LIVE_MIN_GAP_MS, type LiveViewClock } from './live-refresh';

const view = (v: Partial<LiveViewClock>): LiveViewClock => ({ ...idleViewClock(), ...v });

/** Start times of the redraws a view gets while training from t=0 to `until`, each taking `took(i)` ms, checked every `tick` ms. */
function simulate(until: number, took: (i: number) => number, tick = 50): number[] {
  let v = view({ lastEnd: 0 });
  const starts: number[] = [];
  let endsAt = -1;
  let startedAt = 0;
  for (let now = 0; now <= until; now += tick) {
    if (v.inFlight && now >= endsAt) v = afterRefresh(v, startedAt, endsAt);
    if (liveRefreshDue(now, v, true)) {
      starts.push(now);
      startedAt = now;
      endsAt = now + took(starts.length - 1);
      v = { ...v, inFlight: true };
    }
  }
  return starts;
}

describe('liveGap', () => {
  it('waits four times the last redraw, within 2 s and 10 s', () => {
    expect(liveGap(0)).toBe(LIVE_MIN_GAP_MS);
    expect(liveGap(100)).toBe(2_000);
    expect(liveGap(1_000)).toBe(4_000);
    expect(liveGap(2_000)).toBe(8_000);
    expect(liveGap(60_000)).toBe(LIVE_MAX_GAP_MS);
    expect(liveGap(NaN)).toBe(LIVE_MIN_GAP_MS);
  });
});

describe('liveRefreshDue', () => {
  it('is due one gap after the last redraw ended, while training', () => {
    const v = view({ lastEnd: 1_000, lastDuration: 100 });
    expect(liveRefreshDue(2_999, v, true)).toBe(false);
    expect(liveRefreshDue(3_000, v, true)).toBe(true);
    // Not while paused: then only an owed redraw runs.
    expect(liveRefreshDue(60_000, v, false)).toBe(false);
  });

  it('never starts a second redraw while one is in flight, owed or not', () => {
    expect(liveRefreshDue(60_000, view({ lastEnd: 0, inFlight: true }), true)).toBe(false);
    expect(liveRefreshDue(60_000, view({ lastEnd: 0, inFlight: true, pending: true }), false)).toBe(false);
  });

  it('runs an owed redraw at once, training or not', () => {
    expect(liveRefreshDue(10, view({ lastEnd: 0, pending: true }), false)).toBe(true);
    expect(liveRefreshDue(10, view({ lastEnd: 0, pending: true }), true)).toBe(true);
  });

  it('is due at once for a view never drawn', () => {
    expect(liveRefreshDue(0, idleViewClock(), true)).toBe(true);
  });
});

describe('redraws over a run, by the clock', () => {
  it('quick redraws: one every ~2 s whatever the step rate', () => {
    const starts = simulate(15_000, () => 40);
    const gaps = starts.slice(1).map((t, i) => t - starts[i]);
    expect(starts[0]).toBe(2_000);
    expect(starts).toHaveLength(7);
    for (const g of gaps) {
      expect(g).toBeGreaterThanOrEqual(2_000);
      expect(g).toBeLessThanOrEqual(2_100);
    }
  });

  it('slow redraws are spaced so that they keep the device a quarter of the time at most, and still come every ~13 s', () => {
    const took = 3_000; // a slow adapter: each redraw keeps the device 3 s
    const starts = simulate(60_000, () => took);
    const gaps = starts.slice(1).map((t, i) => t - starts[i]);
    for (const g of gaps) {
      expect(g).toBeGreaterThanOrEqual(took + LIVE_MAX_GAP_MS);
      expect(g).toBeLessThanOrEqual(took + LIVE_MAX_GAP_MS + 50);
    }
    expect((starts.length * took) / 60_000).toBeLessThanOrEqual(0.25);
  });

  it('follows the last duration: a redraw that gets quicker brings the next one sooner', () => {
    const starts = simulate(20_000, (i) => (i === 0 ? 2_000 : 100));
    // First at 2 s takes 2 s (ends at 4 s), then waits 8 s; the next (0.1 s) waits 2 s.
    expect(starts.slice(0, 3)).toEqual([2_000, 12_000, 14_100]);
  });
});
