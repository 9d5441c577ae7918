// Axis maths for the loss chart: "nice" tick values for linear and log axes, the domains
// they imply, and the maps from data to pixels. Pure, so the chart's layout is unit-tested.

export interface Scale {
  (v: number): number;
  invert: (px: number) => number;
}

/** Maps [d0, d1] onto [r0, r1] linearly. A zero-width domain maps everything to the middle. */
export function linearScale(d0: number, d1: number, r0: number, r1: number): Scale {
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  const mid = (r0 + r1) / 2;
  const f = ((v: number) => (k === 0 ? mid : r0 + (v - d0) * k)) as Scale;
  f.invert = (px: number) => (k === 0 ? d0 : d0 + (px - r0) / k);
  return f;
}

/** Maps [d0, d1] (both > 0) onto [r0, r1] by their logarithms. */
export function logScale(d0: number, d1: number, r0: number, r1: number): Scale {
  const inner = linearScale(Math.log10(d0), Math.log10(d1), r0, r1);
  const f = ((v: number) => inner(Math.log10(v))) as Scale;
  f.invert = (px: number) => 10 ** inner.invert(px);
  return f;
}

/** The 1-2-5 step nearest to span / count: 0.1, 0.2, 0.5, 1, 2, 5, 10, ... */
export function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  const nice = norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10;
  return nice * mag;
}

/** Multiples of a nice step inside [min, max], about `count` of them. */
export function linearTicks(min: number, max: number, count: number): { ticks: number[]; step: number } {
  const step = niceStep(max - min, count);
  const ticks: number[] = [];
  const first = Math.ceil(min / step - 1e-9);
  const last = Math.floor(max / step + 1e-9);
  // Multiplying the index (rather than adding the step) keeps 0.1 * 3 from drifting further.
  for (let i = first; i <= last && ticks.length < 1000; i++) ticks.push(Number((i * step).toPrecision(12)));
  return { ticks, step };
}

/** [min, max] widened to multiples of the nice step, so the axis starts and ends on a tick. */
export function niceDomain(min: number, max: number, count: number): [number, number] {
  if (min === max) {
    const pad = Math.abs(min) * 0.1 || 1;
    return niceDomain(min - pad, max + pad, count);
  }
  const step = niceStep(max - min, count);
  return [Math.floor(min / step + 1e-9) * step, Math.ceil(max / step - 1e-9) * step];
}

/** Smallest gap between neighbouring ticks, in decades; Infinity for fewer than two. */
function closestGap(ticks: readonly number[]): number {
  let gap = Infinity;
  for (let i = 1; i < ticks.length; i++) gap = Math.min(gap, Math.log10(ticks[i] / ticks[i - 1]));
  return gap;
}

/**
 * Ticks for a log axis over [min, max] (both > 0), at most maxCount of them. Wide ranges get
 * powers of ten (every k-th when crowded), then 1-2-5 or every digit. A loss curve usually
 * spans less than a decade (4.2 down to 1.9), where those sets give one or three ticks, so
 * there linear steps (2, 2.5, 3, 3.5, 4) are candidates too. The densest candidate wins, as
 * long as no two of its ticks sit much closer than an even spread of maxCount ticks would
 * (on a log axis 0.5 to 30 in steps of 5, the top ticks would touch).
 */
export function logTicks(min: number, max: number, maxCount: number): number[] {
  if (!(min > 0) || !(max > min)) return min > 0 ? [min] : [];
  const lo = Math.floor(Math.log10(min));
  const hi = Math.ceil(Math.log10(max));
  const within = (v: number) => v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9);
  const generate = (mantissas: number[]) => {
    const ticks: number[] = [];
    for (let e = lo; e <= hi; e++) {
      for (const m of mantissas) {
        const v = Number((m * 10 ** e).toPrecision(12));
        if (within(v)) ticks.push(v);
      }
    }
    return ticks;
  };
  const powers = generate([1]);
  if (powers.length > maxCount) {
    // Many decades: every k-th power of ten.
    const k = Math.ceil(powers.length / Math.max(1, maxCount));
    return powers.filter((_, i) => i % k === 0);
  }
  const decades = Math.log10(max / min);
  const candidates = [powers, generate([1, 2, 5]), generate([1, 2, 3, 4, 5, 6, 7, 8, 9])];
  if (decades < 1) for (let n = 2; n <= maxCount; n++) candidates.push(linearTicks(min, max, n).ticks.filter((t) => t > 0));
  const minGap = (0.6 * decades) / Math.max(1, maxCount);
  let best: number[] = [];
  for (const c of candidates) {
    if (c.length > maxCount || c.length <= best.length || closestGap(c) < minGap) continue;
    best = c;
  }
  if (best.length >= 2) return best;
  // Within a sliver of one decade (say 1.3 to 1.8): linear ticks, still placed by the log scale.
  return linearTicks(min, max, Math.max(2, Math.min(maxCount, 4))).ticks.filter((t) => t > 0);
}

/**
 * Decimals that show every tick of a set exactly and alike ("2.0", "2.5", "3.0"), at most
 * `max`: for a log axis within a decade, where "2", "2.5", "3" would look uneven.
 */
export function sharedDecimals(ticks: readonly number[], max = 3): number {
  let d = 0;
  for (const t of ticks) {
    while (d < max && Math.abs(Number(t.toFixed(d)) - t) > 1e-9 * Math.max(1, Math.abs(t))) d++;
  }
  return d;
}

/** Where a log axis should end: the data's range padded by a few percent on each side. */
export function logDomain(min: number, max: number): [number, number] {
  if (!(min > 0)) return [1, 10];
  if (max <= min) return [min / 1.5, min * 1.5];
  const pad = Math.max(1.02, (max / min) ** 0.04);
  return [min / pad, max * pad];
}

/** Ends a step axis may take (times a power of ten): it grows by a fifth to a half at a time. */
const AXIS_ENDS = [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10];

/** The smallest of 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times a power of ten that is ≥ v (v > 0). */
export function niceCeil(v: number): number {
  if (!(v > 0) || !Number.isFinite(v)) return 1;
  const mag = 10 ** Math.floor(Math.log10(v));
  for (const m of AXIS_ENDS) {
    const end = Number((m * mag).toPrecision(12));
    if (end >= v * (1 - 1e-12)) return end;
  }
  return 10 * mag;
}

/** Room left after the last step, as a fraction of it, before the axis grows. */
export const STEP_HEADROOM = 0.1;
/** The shortest step axis: before any step, and for the first few. */
export const MIN_STEP_AXIS = 10;

/**
 * Where the step axis ends: past the last step done by at least a tenth, at a round number,
 * so it fits what was done and grows in jumps (not at every step); never beyond the planned
 * end while the run has not passed it, so a run ends flush with the right edge.
 */
export function stepAxisEnd(lastStep: number, plannedEnd: number): number {
  const end = niceCeil(Math.max(MIN_STEP_AXIS, lastStep * (1 + STEP_HEADROOM)));
  return plannedEnd >= 1 && lastStep <= plannedEnd ? Math.min(end, plannedEnd) : end;
}

/** The value at rank ⌊q·(n−1)⌋ of ascending values (no interpolation, so an outlier cannot pull it); NaN if empty. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.floor(Math.min(1, Math.max(0, q)) * (sorted.length - 1))];
}

/** A curve's start is judged by its first few finite values... */
const EARLY_POINTS = 5;
/** ...and a value above this many times the second largest of them is an outlier (unless the bulk says otherwise). */
const EARLY_FACTOR = 3;
/** The bulk: values up to the 90th percentile; a value above this many times it is an outlier. */
const BULK_QUANTILE = 0.9;
const BULK_FACTOR = 2.25;

/** The second largest of a curve's first EARLY_POINTS finite values (the largest if it has one). */
function startLevel(curve: readonly number[], usable: (v: number) => boolean): number {
  const first: number[] = [];
  for (let i = 0; i < curve.length && first.length < EARLY_POINTS; i++) if (usable(curve[i])) first.push(curve[i]);
  first.sort((a, b) => b - a);
  return first[Math.min(1, first.length - 1)] ?? -Infinity;
}

/**
 * The range of losses the chart shows: from the smallest value to the largest one that is
 * not an outlier. An outlier lies far above both references: where the curves start (a loss
 * falls from about ln(vocabulary), so nothing sound lies far above its first values; the
 * second largest of them, so that one huge first loss does not vouch for itself) and the
 * bulk of all values (so a run that settles higher than it started is still shown). Such
 * outliers, say a 6e18 just before a divergence was caught, are drawn clamped at the top
 * edge instead of flattening the rest. `curves` are each in step order. Non-finite values,
 * and values ≤ 0 on a log axis, are ignored. `clipped`: some values lie above `hi`.
 */
export function robustRange(curves: readonly (readonly number[])[], log: boolean): { lo: number; hi: number; clipped: boolean } | null {
  const usable = (v: number) => Number.isFinite(v) && (!log || v > 0);
  const values = curves.flatMap((c) => c.filter(usable)).sort((a, b) => a - b);
  if (values.length === 0) return null;
  const start = Math.max(...curves.map((c) => startLevel(c, usable)));
  const bulk = quantile(values, BULK_QUANTILE);
  // Negative references (not a loss) would flip the factors: then nothing is an outlier.
  const fence = start > 0 && bulk > 0 ? Math.max(EARLY_FACTOR * start, BULK_FACTOR * bulk) : Infinity;
  let top = values.length - 1;
  while (top > 0 && values[top] > fence) top--;
  return { lo: values[0], hi: values[top], clipped: top < values.length - 1 };
}
