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

/**
 * Ticks for a log axis over [min, max] (both > 0), at most about maxCount of them. Wide
 * ranges get powers of ten; a loss curve usually spans less than a decade (4.2 down to 1.4),
 * where powers of ten alone would give no tick at all, so narrower ranges use 1-2-5 or
 * every digit, and the narrowest fall back to linear ticks (still placed by the log scale).
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
  let best = powers;
  for (const mantissas of [[1, 2, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9]]) {
    if (best.length >= 3) return best;
    const finer = generate(mantissas);
    if (finer.length > maxCount) break; // finer sets only get more crowded
    best = finer;
  }
  if (best.length >= 2) return best;
  // Within a sliver of one decade (say 1.3 to 1.8): linear ticks, still placed by the log scale.
  return linearTicks(min, max, Math.max(2, Math.min(maxCount, 4))).ticks.filter((t) => t > 0);
}

/** Where a log axis should end: the data's range padded by a few percent on each side. */
export function logDomain(min: number, max: number): [number, number] {
  if (!(min > 0)) return [1, 10];
  if (max <= min) return [min / 1.5, min * 1.5];
  const pad = Math.max(1.02, (max / min) ** 0.04);
  return [min / pad, max * pad];
}
