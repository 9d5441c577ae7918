// Number formatting for the Train panel's readouts, chart ticks and tooltip. Each formatter
// answers non-finite input with a readable word rather than "NaN": a diverged run reports
// NaN and infinite losses, and the readouts must say so plainly.

/** Placeholder for a value not known yet. */
export const NONE = '—';

/** A duration as h/m/s: "42s", "3m 05s", "1h 02m"; "<1s" under a second. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return NONE;
  if (seconds < 0.5) return '<1s';
  // Round once, up front, so 59.6 s reads "1m 00s" and never "60s".
  const total = Math.round(seconds);
  if (total < 60) return `${total}s`;
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h === 0) return `${m}m ${String(s).padStart(2, '0')}s`;
  return `${h}h ${String(m).padStart(2, '0')}m`;
}

/** Drops a trailing ".0…" and zeros after the point: "2.50" → "2.5", "3.000" → "3". */
function trimZeros(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

/** Short e-notation: "2.5e-4", "1.15e52" (no "+", no trailing zeros). */
function exp(x: number, digits: number): string {
  const [mant, e] = x.toExponential(digits).split('e');
  return `${trimZeros(mant)}e${Number(e)}`;
}

/**
 * A loss to three decimals (cross-entropy of a small model lives between ~0.5 and ~11); an
 * exploding one, on its way to NaN, in e-notation so it still fits its readout.
 */
export function formatLoss(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  const a = Math.abs(x);
  if (a >= 1e4) return exp(x, 2);
  return a >= 100 ? x.toFixed(1) : x.toFixed(3);
}

/** A learning rate the way people write them: "1e-3", "2.5e-4", "0.05". */
export function formatLr(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 0.01 && a < 1000) return trimZeros(x.toPrecision(3));
  return exp(x, 2);
}

/** Tokens per second as a whole number: "48213" (no separators, so parseFloat reads it whole). */
export function formatRate(x: number): string {
  if (!Number.isFinite(x) || x < 0) return NONE;
  return String(Math.round(x));
}

/** Milliseconds with about three significant digits: "4.21", "12.3", "250". */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return NONE;
  if (ms < 10) return ms.toFixed(2);
  if (ms < 100) return ms.toFixed(1);
  return Math.round(ms).toString();
}

/** A step number on the x axis: "750", "1.5k", "20k". */
export function formatStepTick(n: number): string {
  if (Math.abs(n) < 1000) return String(Math.round(n));
  return `${trimZeros((n / 1000).toFixed(1))}k`;
}

/** A tick value on a linear axis whose ticks are `step` apart: as many decimals as the step needs. */
export function formatLinearTick(v: number, step: number): string {
  if (step >= 1e5) return v === 0 ? '0' : exp(v, 2);
  const decimals = step > 0 ? Math.min(6, Math.max(0, Math.ceil(-Math.log10(step) - 1e-9))) : 0;
  // toFixed of a tiny negative rounding error gives "-0.00".
  const s = v.toFixed(decimals);
  return /^-0(\.0+)?$/.test(s) ? s.slice(1) : s;
}

/** A tick value on a log axis: up to three significant digits, no trailing zeros. */
export function formatLogTick(v: number): string {
  if (v >= 0.01 && v < 1e5) return trimZeros(v.toPrecision(3));
  return formatLr(v);
}
