import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng';
import { testSeed } from '../testing/seed';
import { f32, randn } from '../testing/random';
import { download, getTestGpu, upload, createTensor, run } from '../testing/gpu';
import { randint } from '../testing/random';
import { DEFAULT_CONFIG, type GPTConfig } from '../../core/config';
import { DEFAULT_TRAIN } from '../../core/settings';
import { Trainer } from '../train/trainer';
import { matmulForward } from '../kernels/matmul';
import { residualForward } from '../kernels/residual';
import type { Gpu } from './device';
import type { Dispatch } from './dispatch';
import { ProfileRecorder, profileDispatches, type ProfileReport } from './profiler';
import { defaultKernelConfig } from '../tune/defaults';

// A tiny two-layer chain: x + y → h, h · wᵀ → out, residual run twice so one label has count 2.
async function chain(gpu: Gpu, rng: Rng): Promise<{ dispatches: Dispatch[]; out: ReturnType<typeof createTensor>; expected: Float64Array }> {
  const [B, T, C, OC] = [2, 5, 12, 7];
  const x = f32(randn(rng, B * T * C));
  const y = f32(randn(rng, B * T * C));
  const w = f32(randn(rng, OC * C));
  const h = createTensor(gpu, 'h', [B, T, C]);
  const h2 = createTensor(gpu, 'h2', [B, T, C]);
  const out = createTensor(gpu, 'out', [B, T, OC]);
  const tx = upload(gpu, 'x', [B, T, C], x);
  const ty = upload(gpu, 'y', [B, T, C], y);
  const dispatches = [
    await residualForward(gpu, h, tx, ty),
    await residualForward(gpu, h2, h, ty), // h2 = x + 2y
    await matmulForward(gpu, defaultKernelConfig(gpu), out, h2, upload(gpu, 'w', [OC, C], w), null),
  ];
  const expected = new Float64Array(B * T * OC);
  for (let r = 0; r < B * T; r++) {
    for (let o = 0; o < OC; o++) {
      let s = 0;
      for (let c = 0; c < C; c++) s += (x[r * C + c] + 2 * y[r * C + c]) * w[o * C + c];
      expected[r * OC + o] = s;
    }
  }
  return { dispatches, out, expected };
}

function checkShape(report: ProfileReport): void {
  expect(report.dispatches).toBe(3);
  expect(report.kernels.map((k) => [k.label, k.count]).sort()).toEqual([['matmul_forward', 1], ['residual_forward', 2]]);
  expect(report.totalMs).toBeGreaterThanOrEqual(0);
  expect(Number.isFinite(report.totalMs)).toBe(true);
}

async function expectComputed(gpu: Gpu, out: ReturnType<typeof createTensor>, expected: Float64Array, seed: number): Promise<void> {
  const got = await download(gpu, out);
  for (let i = 0; i < expected.length; i++) {
    expect(Math.abs(got[i] - expected[i]), `seed ${seed}, element ${i}`).toBeLessThan(1e-4 + 1e-4 * Math.abs(expected[i]));
  }
}

describe('profiler', () => {
  it('times each dispatch with GPU timestamps when the device has them', async () => {
    const gpu = await getTestGpu();
    if (!gpu.features.has('timestamp-query')) {
      console.log('no timestamp-query on this adapter: the timestamp path is not exercised');
      return;
    }
    const seed = testSeed();
    const { dispatches, out, expected } = await chain(gpu, new Rng(seed));
    const report = await profileDispatches(gpu, dispatches);
    expect(report.mode).toBe('timestamp');
    checkShape(report);
    for (const k of report.kernels) {
      expect(k.ms).not.toBeNull();
      expect(k.ms!).toBeGreaterThanOrEqual(0);
      expect(report.totalMs).toBeGreaterThanOrEqual(k.ms! / k.count);
    }
    // A software adapter takes ~0.3 ms per dispatch, well above Chrome's 0.1 ms timestamp
    // quantum: zero there means begin and end were swapped or the same query. (A fast GPU may
    // really finish three tiny dispatches within one quantum, so this is not asserted there.)
    if (gpu.adapter.isFallback) expect(report.kernels.every((k) => k.ms! > 0)).toBe(true);
    const times = report.kernels.map((k) => k.ms!);
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    // One pass per dispatch must not change what the chain computes.
    await expectComputed(gpu, out, expected, seed);
  });

  it("falls back to wall time and counts in 'wall' mode", async () => {
    const gpu = await getTestGpu();
    const seed = testSeed();
    const { dispatches, out, expected } = await chain(gpu, new Rng(seed));
    const report = await profileDispatches(gpu, dispatches, { mode: 'wall' });
    expect(report.mode).toBe('wall');
    checkShape(report);
    expect(report.kernels.every((k) => k.ms === null)).toBe(true);
    expect(report.kernels[0].label).toBe('residual_forward'); // the most frequent first
    await expectComputed(gpu, out, expected, seed);
  });

  it('records into a caller-owned encoder, interleaved with copies, across query sets', async () => {
    const gpu = await getTestGpu();
    const seed = testSeed();
    const { dispatches } = await chain(gpu, new Rng(seed));
    const rec = new ProfileRecorder(gpu);
    const enc = gpu.device.createCommandEncoder();
    // 2100 passes > 2048 per query set: the recorder must open a second set.
    const rounds = 700;
    const [src, dst] = [createTensor(gpu, 'src', [4]), createTensor(gpu, 'dst', [4])];
    for (let i = 0; i < rounds; i++) {
      rec.record(enc, dispatches);
      if (i === 0) enc.copyBufferToBuffer(src.buffer, src.offset, dst.buffer, dst.offset, 16);
    }
    rec.finish(enc);
    gpu.device.pushErrorScope('validation');
    gpu.device.queue.submit([enc.finish()]);
    const err = await gpu.device.popErrorScope();
    expect(err?.message).toBeUndefined();
    const report = await rec.report();
    expect(report.dispatches).toBe(3 * rounds);
    const counts = Object.fromEntries(report.kernels.map((k) => [k.label, k.count]));
    expect(counts).toEqual({ residual_forward: 2 * rounds, matmul_forward: rounds });
    if (report.mode === 'timestamp') {
      const sum = report.kernels.reduce((a, k) => a + k.ms!, 0);
      expect(report.totalMs).toBeGreaterThanOrEqual(Math.max(...report.kernels.map((k) => k.ms! / k.count)));
      expect(sum).toBeGreaterThanOrEqual(0);
    }
  });

  it("refuses 'timestamp' mode on a device without the feature", async () => {
    const gpu = await getTestGpu();
    const without = Object.create(gpu, { features: { value: new Set<string>() } }) as Gpu;
    expect(() => new ProfileRecorder(without, { mode: 'timestamp' })).toThrow(/timestamp-query/);
    expect(new ProfileRecorder(without).mode).toBe('wall');
  });

  it("profiles a model's real forward and backward lists without changing what they compute", async () => {
    const gpu = await getTestGpu();
    const seed = testSeed();
    const rng = new Rng(seed);
    const cfg: GPTConfig = { ...DEFAULT_CONFIG, nLayer: 2, nHead: 2, nEmbd: 16, blockSize: 8, vocabSize: 11 };
    const tokens = Uint32Array.from(randint(rng, 300, cfg.vocabSize));
    const trainer = await Trainer.create(gpu, defaultKernelConfig(gpu), cfg, { ...DEFAULT_TRAIN, batchSize: 2, blockSize: 8, seed }, tokens);
    try {
      const plan = trainer.plan;
      plan.writeBatch(tokens.subarray(0, 16), tokens.subarray(1, 17));
      await run(gpu, plan.forward);
      const plain = await download(gpu, plan.act('meanLoss'));
      const list = [...plan.forward, ...plan.backward];
      const report = await profileDispatches(gpu, list);
      const profiled = await download(gpu, plan.act('meanLoss'));
      expect(profiled[0], `seed ${seed}`).toBe(plain[0]);
      expect(report.dispatches).toBe(list.length);
      expect(report.kernels.reduce((a, k) => a + k.count, 0)).toBe(list.length);
      if (report.mode === 'timestamp') {
        for (const k of report.kernels) expect(report.totalMs).toBeGreaterThanOrEqual(k.ms! / k.count);
      }
    } finally {
      trainer.destroy();
    }
  });
});
