import type { ProfileReport } from '../../engine/gpu/profiler';
import { describe, expect, it } from 'vitest';
import type { BenchResult } from '../../engine/bench/harness';
import { fmt, fmtRatio, inferenceRows, kernelRows, matmulVsPlain, maxAbsDiff, profileRows, ratio, trainingRows } from './stats';
import type { TrainingResult } from './types';

describe('ratio', () => {
  it('divides, and is null when a side is missing or the divisor is not positive', () => {
    expect(ratio(6, 2)).toBe(3);
    expect(ratio(null, 2)).toBeNull();
    expect(ratio(1, 0)).toBeNull();
    expect(ratio(NaN, 1)).toBeNull();
    expect(ratio(1, Infinity)).toBeNull();
  });
});

describe('formatting', () => {
  it('keeps three significant figures and writes large numbers whole', () => {
    expect(fmt(0.0123456)).toBe('0.0123');
    expect(fmt(71.63)).toBe('71.6');
    expect(fmt(1737.5)).toBe('1738');
    expect(fmt(NaN)).toBe('—');
    expect(fmt(null)).toBe('—');
    expect(fmtRatio(5.789)).toBe('5.79x');
    expect(fmtRatio(null)).toBe('—');
  });
});

const kernel = (kernel: string, size: string, ms: number, extra: Partial<BenchResult> = {}): BenchResult => ({ name: `${kernel} ${size}`, kernel, size, ms, reps: 1, ...extra });

describe('matmulVsPlain', () => {
  it('collects the tiled forward speed-ups over the plain kernel by size', () => {
    const results = [
      kernel('matmul_plain', '512x512x512', 10),
      kernel('matmul_forward', '512x512x512', 2, { baseline: 'matmul_plain 512x512x512', speedup: 5 }),
      kernel('matmul_forward', '1024x128x512', 1),
      kernel('gelu_forward', 'x', 1, { speedup: 9 }),
      // measured against another baseline (the large tile), not the plain kernel
      kernel('matmul_forward', '32x32x96', 1, { baseline: 'matmul_forward large tile 32x32x96', speedup: 2.6 }),
    ];
    expect(matmulVsPlain(results)).toEqual({ '512x512x512': 5 });
  });
});

describe('table rows', () => {
  it('prints a kernel throughput and its ratio against the baseline', () => {
    const [row] = kernelRows([kernel('matmul_forward', '256x256x256', 2, { gflops: 1.9, baseline: 'matmul_plain 256x256x256', speedup: 6.25 })]);
    expect(row.throughput).toBe('1.9 GFLOP/s');
    expect(row['vs baseline']).toBe('6.25x matmul_plain 256x256x256');
  });
  it('shows the counted dispatches only when they disagree with the plan', () => {
    const r: TrainingResult = { model: 'm', params: 10, stepMs: 100, wallStepMs: 101, tokensPerStep: 128, tokensPerSec: 1280, timedSteps: 5, dispatchesPerStep: 80, dispatchesCounted: 80, submitsPerStep: 1, profile: { mode: 'wall', totalMs: 1, dispatches: 80, kernels: [] } };
    expect(trainingRows([r])[0]['dispatches/step']).toBe('80');
    expect(trainingRows([{ ...r, dispatchesCounted: 82 }])[0]['dispatches/step']).toBe('80 (counted 82)');
  });
  it('says when onnxruntime-web failed instead of printing a time', () => {
    const [row] = inferenceRows([{ model: 'm', T: 8, oursMs: 1, ortMs: null, forwardVsOrt: null, maxAbsDiff: null, runs: 3, ortError: 'no adapter', oursHalfMs: 1, halfMaxAbsDiff: 1e-3 }]);
    expect(row['ORT webgpu ms']).toBe('failed: no adapter');
    expect(row.forwardVsOrt).toBe('—');
  });
});

describe('profileRows', () => {
  const report = (mode: 'timestamp' | 'wall'): ProfileReport => ({
    mode,
    totalMs: 10,
    dispatches: 6,
    kernels: [
      { label: 'matmul', count: 3, ms: mode === 'wall' ? null : 6 },
      { label: 'layernorm', count: 2, ms: mode === 'wall' ? null : 3 },
      { label: 'adamw', count: 1, ms: mode === 'wall' ? null : 0.5 },
    ],
  });
  it('lists the slowest kernels with their share, folds the rest and ends with the total', () => {
    const rows = profileRows('kernel', report('timestamp'), 2);
    expect(rows.map((r) => r.kernel)).toEqual(['matmul', 'layernorm', '(1 more)', 'total (GPU span)']);
    expect(rows[0].share).toBe('60.0%');
    expect(rows[2]['GPU ms']).toBe('0.5');
    expect(rows[3].dispatches).toBe('6');
  });
  it('shows counts without times in wall mode', () => {
    const rows = profileRows('kernel', report('wall'));
    expect(rows[0]['GPU ms']).toBe('—');
    expect(rows.at(-1)!.kernel).toBe('total (wall)');
  });
});

describe('maxAbsDiff', () => {
  it('is the largest absolute difference, Infinity on NaN or a length mismatch', () => {
    expect(maxAbsDiff([1, 2, 3], [1, 2.5, 2])).toBe(1);
    expect(maxAbsDiff([1], [NaN])).toBe(Infinity);
    expect(maxAbsDiff([1], [1, 2])).toBe(Infinity);
  });
});
