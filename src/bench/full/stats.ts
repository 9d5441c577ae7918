// Pure helpers of the full benchmark: ratios and the rows of the printed tables.
import type { BenchResult } from '../../engine/bench/harness';
import type { ProfileReport } from '../../engine/gpu/profiler';
import type { InferenceResult, SamplingResult, TrainingResult } from './types';

/** a / b, or null when either is missing, not finite, or b is not positive. */
export function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a == null || b == null || !Number.isFinite(a) || !Number.isFinite(b) || b <= 0) return null;
  return a / b;
}

/** A number with `digits` significant figures for the table; '—' when missing. */
export function fmt(x: number | null | undefined, digits = 3): string {
  if (x == null || !Number.isFinite(x)) return '—';
  if (Math.abs(x) >= 10 ** digits) return Math.round(x).toString();
  return Number(x.toPrecision(digits)).toString();
}

export const fmtRatio = (x: number | null | undefined): string => (x == null || !Number.isFinite(x) ? '—' : `${x.toFixed(2)}x`);

/**
 * plain time / tiled time for every square matmul size measured against the plain kernel,
 * keyed by the size label (e.g. '512x512x512').
 */
export function matmulVsPlain(results: readonly BenchResult[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of results) {
    if (r.kernel === 'matmul_forward' && r.baseline?.startsWith('matmul_plain ') && r.speedup !== undefined) out[r.size] = Number(r.speedup.toFixed(3));
  }
  return out;
}

export function kernelRows(results: readonly BenchResult[]): Record<string, string>[] {
  return results.map((r) => ({
    kernel: r.kernel,
    size: r.size,
    'time ms': fmt(r.ms),
    throughput: r.gflops !== undefined ? `${fmt(r.gflops)} GFLOP/s` : r.gbps !== undefined ? `${fmt(r.gbps)} GB/s` : '',
    'vs baseline': r.speedup !== undefined ? `${fmtRatio(r.speedup)} ${r.baseline}` : '',
  }));
}

export function trainingRows(results: readonly TrainingResult[]): Record<string, string>[] {
  return results.map((r) => ({
    model: r.model,
    params: r.params.toString(),
    'step ms': fmt(r.stepMs),
    'wall ms/step': fmt(r.wallStepMs),
    'tokens/s': fmt(r.tokensPerSec),
    'dispatches/step': r.dispatchesPerStep === r.dispatchesCounted ? `${r.dispatchesPerStep}` : `${r.dispatchesPerStep} (counted ${fmt(r.dispatchesCounted)})`,
    'submits/step': fmt(r.submitsPerStep),
  }));
}

export function inferenceRows(results: readonly InferenceResult[]): Record<string, string>[] {
  return results.map((r) => ({
    model: r.model,
    T: r.T.toString(),
    'ours ms': fmt(r.oursMs),
    'ORT webgpu ms': r.ortError ? `failed: ${r.ortError}` : fmt(r.ortMs),
    forwardVsOrt: fmtRatio(r.forwardVsOrt),
    'max |Δlogit|': r.maxAbsDiff == null ? '—' : r.maxAbsDiff.toExponential(1),
    'ours f16 weights ms': fmt(r.oursHalfMs),
    'f16 max |Δlogit|': r.halfMaxAbsDiff.toExponential(1),
  }));
}

export function samplingRows(results: readonly SamplingResult[]): Record<string, string>[] {
  return results.map((r) => ({
    model: r.model,
    'tokens (prompt)': `${r.tokens} (${r.promptLength})`,
    'KV cache tok/s': fmt(r.kvTokensPerSec),
    'rerun tok/s': fmt(r.rerunTokensPerSec),
    'ms/token KV | rerun': `${fmt(r.kvNextMs)} | ${fmt(r.rerunNextMs)}`,
    kvVsRerun: fmtRatio(r.kvVsRerun),
    'same tokens': r.sameTokens ? 'yes' : 'NO',
  }));
}

/** max |a − b| over two equally long arrays; Infinity on a length mismatch or a NaN. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (Number.isNaN(d)) return Infinity;
    if (d > m) m = d;
  }
  return m;
}

/**
 * One row per kernel of a profiled step or token: its dispatches and GPU ms (share of the
 * total), slowest first; in wall mode only the counts, and the total as the last row.
 */
export function profileRows(what: string, p: ProfileReport, top = 12): Record<string, string>[] {
  const rows = p.kernels.slice(0, top).map((k) => ({
    [what]: k.label,
    dispatches: k.count.toString(),
    'GPU ms': k.ms === null ? '—' : fmt(k.ms),
    share: k.ms === null || p.totalMs <= 0 ? '—' : `${((100 * k.ms) / p.totalMs).toFixed(1)}%`,
  }));
  const rest = p.kernels.slice(top);
  if (rest.length) {
    const ms = rest.every((k) => k.ms !== null) ? rest.reduce((a, k) => a + (k.ms ?? 0), 0) : null;
    rows.push({ [what]: `(${rest.length} more)`, dispatches: rest.reduce((a, k) => a + k.count, 0).toString(), 'GPU ms': ms === null ? '—' : fmt(ms), share: '' });
  }
  rows.push({ [what]: p.mode === 'timestamp' ? 'total (GPU span)' : 'total (wall)', dispatches: p.dispatches.toString(), 'GPU ms': fmt(p.totalMs), share: '' });
  return rows;
}
