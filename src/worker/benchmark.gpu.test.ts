// The device benchmark on a real WebGPU device, at a tiny model's shapes with one timed step:
// the report names every case at those shapes, every figure is a finite positive number, the
// training figures agree with each other, the profiled step's shares add up, the progress
// moves forward, and the benchmark frees what it made.
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type GPTConfig } from '../core/config';
import { countParams } from '../core/params';
import { DEFAULT_TRAIN, type TrainSettings } from '../core/settings';
import { benchJson } from '../core/bench-report';
import { getTestGpu } from '../engine/testing/gpu';
import { defaultKernelConfig } from '../engine/tune/defaults';
import { benchmarkDevice } from './benchmark';

const config: GPTConfig = { ...DEFAULT_CONFIG, nLayer: 1, nHead: 2, nEmbd: 16, blockSize: 16, vocabSize: 65 };
const settings: TrainSettings = { ...DEFAULT_TRAIN, batchSize: 4, blockSize: 16 };

/** Every number anywhere in `x`, with its path. */
function numbers(x: unknown, path = ''): [string, number][] {
  if (typeof x === 'number') return [[path, x]];
  if (Array.isArray(x)) return x.flatMap((v, i) => numbers(v, `${path}[${i}]`));
  if (x && typeof x === 'object') return Object.entries(x).flatMap(([k, v]) => numbers(v, `${path}.${k}`));
  return [];
}

describe('device benchmark', () => {
  it('measures the kernels and training steps of a tiny model and reports them whole', async () => {
    const gpu = await getTestGpu();
    // The device's own buffers (the dummies a kernel binds for an absent input) live as long as it.
    const owned = () => gpu.ledger.entries().filter((e) => e.owner !== gpu.buffers.owner);
    const ownedBefore = owned();
    const progress: [number, string][] = [];
    const report = await benchmarkDevice(gpu, defaultKernelConfig(gpu), { config, settings }, {
      steps: 1,
      warmup: 1,
      targetMs: 1,
      trials: 1,
      onProgress: (f, m) => progress.push([f, m]),
    });

    expect(report.shapes).toEqual({ source: 'model', model: 'L1 H2 C16 T16 B4 V65' });
    // B·T = 64 rows of width 16, 2 heads, 65 tokens; the 512³ matmul whatever the model.
    expect(report.kernels.map((k) => `${k.kernel} ${k.size}`)).toEqual([
      'matmul_forward 64x16x48',
      'matmul_forward 64x16x64',
      'matmul_backward 64x16x64',
      'attention_forward B4 T16 C16 NH2',
      'attention_backward B4 T16 C16 NH2',
      'layernorm_forward BT64xC16',
      'gelu_forward BT64x4C64',
      'crossentropy_forward BT64xV65',
      'matmul_forward 512x512x512',
    ]);
    for (const k of report.kernels) {
      expect(k.ms, k.kernel).toBeGreaterThan(0);
      // Exactly one throughput: GFLOP/s for the products, GB/s for the memory-bound kernels.
      expect([k.gflops, k.gbps].filter((x) => x !== undefined), k.kernel).toHaveLength(1);
      expect(k.gflops ?? k.gbps, k.kernel).toBeGreaterThan(0);
      expect(k.role, k.kernel).not.toBe('');
    }
    expect(report.kernels.filter((k) => k.kernel.startsWith('matmul') || k.kernel.startsWith('attention')).every((k) => k.gflops !== undefined)).toBe(true);

    expect(report.training).toHaveLength(1);
    const t = report.training[0];
    expect(t).toMatchObject({ model: 'L1 H2 C16 T16 B4 V65', params: countParams(config), tokensPerStep: 64, steps: 1 });
    expect(t.stepMs).toBeGreaterThan(0);
    expect(t.tokensPerSec).toBeCloseTo((64 * 1000) / t.stepMs, 6);

    expect(report.stepProfile.length).toBeGreaterThan(3);
    expect(report.stepProfile.reduce((a, k) => a + k.share, 0)).toBeCloseTo(1, 6);
    expect(report.stepProfile.every((k) => k.count >= 1 && (report.timestamps ? k.ms !== null : k.ms === null))).toBe(true);
    expect(report.timestamps).toBe(gpu.features.has('timestamp-query'));
    expect(report.stepProfileMs).toBeGreaterThan(0);

    expect(report.adapter.description).not.toBe('');
    expect(report.adapter.features).toEqual([...gpu.features].sort());
    expect(report.adapter.limits.maxBufferSize).toBe(gpu.limits.maxBufferSize);
    expect(report.userAgent).toBe(navigator.userAgent);
    expect(Date.parse(report.date)).not.toBeNaN();
    expect(report.seconds).toBeGreaterThan(0);

    // Every number finite and none negative (a kernel too short for the timestamps' resolution may read 0 ms).
    const bad = numbers(report).filter(([, v]) => !Number.isFinite(v) || v < 0);
    expect(bad).toEqual([]);
    expect(JSON.parse(benchJson(report))).toEqual(report);

    // 9 cases, then warm-up, timed and profiled steps: forward only, from 0 to 1.
    expect(progress[0]).toEqual([0, 'Kernels 1 of 9: matmul_forward 64×16×48']);
    expect(progress.map(([, m]) => m)).toContain('Kernels 9 of 9: matmul_forward 512×512×512');
    expect(progress.map(([, m]) => m)).toContain('Training L1 H2 C16 T16 B4 V65: profiling one step');
    expect(progress.at(-1)?.[0]).toBe(1);
    expect(progress.every(([f], i) => f >= 0 && f <= 1 && (i === 0 || f >= progress[i - 1][0]))).toBe(true);

    // Its trainer freed what it allocated.
    expect(owned()).toEqual(ownedBefore);
  });
});
