// Series maths for the loss chart and readouts: smoothing, lookups by step, robust recent
// averages and per-pixel decimation. Pure functions over plain arrays.

/**
 * Exponential moving average with TensorBoard's debiasing: dividing by 1 - w^n removes the
 * pull towards the zero the average starts from, so the first smoothed value equals the first
 * loss. Non-finite values (a diverged step) are skipped: the average keeps its last value.
 * So is a value above `spikeFactor` times the average: one 6e18 step before a divergence is
 * caught would otherwise hold the smoothed line up for hundreds of steps (the raw line still
 * shows it). A value below the average divided by `spikeFactor` starts the average afresh:
 * what came before was a spike (a huge first loss) or a regime the run has left.
 */
export class Ema {
  private acc = 0;
  private n = 0;
  private last = NaN;
  constructor(
    readonly weight: number,
    readonly spikeFactor = Infinity,
  ) {}

  push(v: number): number {
    const spike = this.n > 0 && this.last > 0 && v > this.spikeFactor * this.last;
    if (this.n > 0 && v >= 0 && v * this.spikeFactor < this.last) {
      this.acc = 0;
      this.n = 0;
    }
    if (Number.isFinite(v) && !spike) {
      this.acc = this.acc * this.weight + (1 - this.weight) * v;
      this.n++;
      this.last = this.acc / (1 - this.weight ** this.n);
    }
    return this.last;
  }
}

export function emaSeries(values: ArrayLike<number>, weight: number, spikeFactor = Infinity): number[] {
  const ema = new Ema(weight, spikeFactor);
  return Array.from(values, (v) => ema.push(v));
}

/**
 * The smoothed losses of a steps array that grows in place (the metrics store appends to one
 * array until a reset replaces it): extends the previous result instead of recomputing it.
 */
export class EmaCache {
  private source: unknown = null;
  private ema: Ema;
  readonly values: number[] = [];
  constructor(
    readonly weight: number,
    readonly spikeFactor = Infinity,
  ) {
    this.ema = new Ema(weight, spikeFactor);
  }

  update<T>(items: readonly T[], value: (item: T) => number): number[] {
    if (items !== this.source || items.length < this.values.length) {
      this.source = items;
      this.ema = new Ema(this.weight, this.spikeFactor);
      this.values.length = 0;
    }
    for (let i = this.values.length; i < items.length; i++) this.values.push(this.ema.push(value(items[i])));
    return this.values;
  }
}

/** Index of the item whose key is nearest to target, in items sorted by key; -1 if empty. */
export function nearestIndex<T>(items: readonly T[], key: (item: T) => number, target: number): number {
  if (items.length === 0) return -1;
  let lo = 0;
  let hi = items.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (key(items[mid]) < target) lo = mid + 1;
    else hi = mid;
  }
  // lo is the first item at or after target; the one before may be nearer.
  if (lo > 0 && target - key(items[lo - 1]) <= key(items[lo]) - target) return lo - 1;
  return lo;
}

/** Index of the last item whose key is ≤ target, in items sorted by key; -1 if none. */
export function lastAtOrBefore<T>(items: readonly T[], key: (item: T) => number, target: number): number {
  let lo = 0;
  let hi = items.length; // answer + 1 lies in [lo, hi]
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (key(items[mid]) <= target) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** Median of the finite values; NaN if there are none. */
export function median(values: readonly number[]): number {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

/**
 * The typical value among the last `count` items. A median, not a mean: the step after a
 * pause reports the whole pause as its step time, and one such step would swing a mean
 * (and the ETA built on it) for the next `count` steps.
 */
export function recentMedian<T>(items: readonly T[], value: (item: T) => number, count: number): number {
  const from = Math.max(0, items.length - count);
  const vals: number[] = [];
  for (let i = from; i < items.length; i++) vals.push(value(items[i]));
  return median(vals);
}

/** A polyline point in pixels; y NaN means "lift the pen" (a gap in the data). */
export interface PxPoint {
  x: number;
  y: number;
}

/**
 * Thins a polyline to at most four points per pixel column (first, lowest, highest, last, in
 * their original order), which draws the same picture as every point would: a 100k-step run
 * on a 1000-px chart costs 4k segments per frame, not 100k. Non-finite y values become gaps.
 */
export function decimateColumns(n: number, xAt: (i: number) => number, yAt: (i: number) => number): PxPoint[] {
  const out: PxPoint[] = [];
  let col = NaN;
  let first = -1;
  let last = -1;
  let lo = -1;
  let hi = -1;
  const flush = () => {
    if (first < 0) return;
    const picks = [...new Set([first, lo, hi, last])].sort((a, b) => a - b);
    for (const i of picks) out.push({ x: xAt(i), y: yAt(i) });
    first = last = lo = hi = -1;
  };
  for (let i = 0; i < n; i++) {
    const x = xAt(i);
    const y = yAt(i);
    if (!Number.isFinite(y) || !Number.isFinite(x)) {
      flush();
      if (out.length && !Number.isNaN(out[out.length - 1].y)) out.push({ x, y: NaN });
      col = NaN;
      continue;
    }
    const c = Math.floor(x);
    if (c !== col) {
      flush();
      col = c;
    }
    if (first < 0) first = lo = hi = i;
    if (y < yAt(lo)) lo = i;
    if (y > yAt(hi)) hi = i;
    last = i;
  }
  flush();
  return out;
}

/** Learning-rate marks sorted by step, keeping the last change made at any one step. */
export function dedupeMarks<T extends { step: number }>(marks: readonly T[]): T[] {
  const byStep = new Map<number, T>();
  for (const m of marks) byStep.set(m.step, m);
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}

/** Index of the first item whose value is not finite (where a run diverged); -1 if none. */
export function firstNonFinite<T>(items: readonly T[], value: (item: T) => number): number {
  return items.findIndex((it) => !Number.isFinite(value(it)));
}

/**
 * Pixel x of the points whose value lies above `top` (finite values only: NaN is a gap, not
 * an outlier), at most one per `binPx`-wide column, so a burst of outliers draws a few marks.
 */
export function markerColumns(n: number, xAt: (i: number) => number, valueAt: (i: number) => number, top: number, binPx = 6): number[] {
  const out: number[] = [];
  let lastBin = NaN;
  for (let i = 0; i < n; i++) {
    const v = valueAt(i);
    if (!Number.isFinite(v) || v <= top) continue;
    const x = xAt(i);
    const bin = Math.floor(x / binPx);
    if (bin === lastBin) continue;
    lastBin = bin;
    out.push(x);
  }
  return out;
}
