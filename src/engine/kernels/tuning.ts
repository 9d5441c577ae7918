// Per-device and per-shape choices of kernel shapes. Every candidate computes bit-identical
// results (each output sums over k in the same order whatever the tile), so picking one
// changes only speed. The default tile comes from what the adapter is; tuneMatmul() measures
// the candidates on the device itself and keeps the fastest for the rest of the session.
// Small products (few tiles) switch to a smaller tile, so that the work is spread over
// enough workgroups to keep the device busy.
import type { Gpu } from '../gpu/device';
import { ceilDiv } from '../gpu/dispatch';

/**
 * matmul.wgsl's output tile (BM×BN), each invocation's block (RM×RN: 8×8 or 4×4) and the K
 * step BK.
 */
export interface MatmulTile {
  BM: number;
  BN: number;
  BK: number;
  RM: number;
  RN: number;
}

const tile = (BM: number, BN: number, BK: number, R = 8): MatmulTile => ({ BM, BN, BK, RM: R, RN: R });

/** The large tiles worth trying for the bulk of training's products. */
export const MATMUL_TILES: readonly MatmulTile[] = [
  tile(32, 64, 16),
  tile(64, 64, 16),
  tile(64, 64, 32),
  tile(128, 64, 16),
  tile(128, 128, 8),
];

/**
 * Smaller tiles for products that would otherwise make only a few workgroups, largest first.
 * Software adapter: 32×32 with 8×8 blocks (16 invocations). Measured against the 64×64
 * tile on SwiftShader (npm run bench:kernels, alternating trials): 2.4× faster at
 * 32×32×96, 1.3× at 64×64×192 and 64×128×65; 4×4 blocks were 1.2–1.8× slower than 8×8
 * ones at every small shape. A GPU wants more invocations per workgroup than 16, so it gets
 * 4×4 blocks (64 and 16 invocations); that choice is not measured here (no GPU).
 */
export function smallTiles(isFallback: boolean): readonly MatmulTile[] {
  return isFallback ? [tile(32, 32, 16)] : [tile(32, 32, 16, 4), tile(16, 16, 16, 4)];
}

/** Every small tile of either kind (for tests and benchmarks). */
export const SMALL_TILES: readonly MatmulTile[] = [...smallTiles(true), ...smallTiles(false)];

/** Below this many workgroups a product takes the next smaller tile. */
export const MIN_WORKGROUPS = 8;

type TileLimits = Pick<GPUSupportedLimits,
  'maxComputeWorkgroupStorageSize' | 'maxComputeInvocationsPerWorkgroup' | 'maxComputeWorkgroupSizeX' | 'maxComputeWorkgroupSizeY'>;

/** Workgroup memory (bytes) and invocations a tile needs. */
export function tileNeeds(t: MatmulTile): { bytes: number; invocations: number; x: number; y: number } {
  return { bytes: (t.BM * t.BK + t.BK * t.BN) * 4, invocations: (t.BM / t.RM) * (t.BN / t.RN), x: t.BN / t.RN, y: t.BM / t.RM };
}

export function tileFits(t: MatmulTile, limits: TileLimits): boolean {
  const n = tileNeeds(t);
  return [4, 8].includes(t.RM) && [4, 8].includes(t.RN) && t.BM % t.RM === 0 && t.BN % t.RN === 0 && t.BK >= 1 &&
    n.bytes <= limits.maxComputeWorkgroupStorageSize &&
    n.invocations <= limits.maxComputeInvocationsPerWorkgroup &&
    n.x <= limits.maxComputeWorkgroupSizeX && n.y <= limits.maxComputeWorkgroupSizeY;
}

/**
 * Before measuring: 64×64×16 for a software adapter, where fewer, larger workgroups cost less
 * to schedule; 128×64×16 (128 invocations) for a GPU, which needs more threads per workgroup
 * to hide memory latency.
 */
export function defaultMatmulTile(isFallback: boolean, limits: TileLimits): MatmulTile {
  const wanted = isFallback ? tile(64, 64, 16) : tile(128, 64, 16);
  return tileFits(wanted, limits) ? wanted : tile(32, 64, 16);
}

export const workgroupsOf = (t: MatmulTile, M: number, N: number): number => ceilDiv(M, t.BM) * ceilDiv(N, t.BN);

/**
 * The tile for an M×N product: `large` unless it would make fewer than MIN_WORKGROUPS
 * workgroups, then the first small tile that makes enough (or the smallest).
 */
export function tileForShape(large: MatmulTile, M: number, N: number, limits: TileLimits, isFallback: boolean): MatmulTile {
  if (workgroupsOf(large, M, N) >= MIN_WORKGROUPS) return large;
  const small = smallTiles(isFallback).filter((t) => tileFits(t, limits));
  return small.find((t) => workgroupsOf(t, M, N) >= MIN_WORKGROUPS) ?? small.at(-1) ?? large;
}

const chosen = new WeakMap<Gpu, MatmulTile>();

/** The device's tile for large products. */
export function matmulTile(gpu: Gpu): MatmulTile {
  let t = chosen.get(gpu);
  if (!t) {
    t = defaultMatmulTile(gpu.adapter.isFallback, gpu.limits);
    chosen.set(gpu, t);
  }
  return t;
}

/** Sets the tile every later matmul dispatch on `gpu` uses (plans built before keep theirs). */
export function setMatmulTile(gpu: Gpu, t: MatmulTile): void {
  if (!tileFits(t, gpu.limits)) throw new RangeError(`matmul tile ${t.BM}×${t.BN}×${t.BK} does not fit this device`);
  chosen.set(gpu, t);
}

export interface TileTiming {
  tile: MatmulTile;
  /** Best of the trials, milliseconds per product. */
  ms: number;
}

/**
 * Measures every large tile that fits on an n×n×n forward product (alternating trials, best
 * of each kept) and makes the fastest the device's tile. Costs one pipeline compile per
 * candidate, so the worker runs it in the background on hardware adapters only (on a
 * software adapter compiling takes seconds and the candidates measure alike).
 */
export async function tuneMatmul(gpu: Gpu, opts: { n?: number; trials?: number } = {}): Promise<TileTiming[]> {
  const n = opts.n ?? 256;
  const trials = opts.trials ?? 3;
  const { matmulForward } = await import('./matmul');
  const tensor = (label: string, shape: number[]) => {
    const buffer = gpu.device.createBuffer({ label, size: shape.reduce((a, b) => a * b, 1) * 4, usage: GPUBufferUsage.STORAGE });
    return { label, shape, dtype: 'f32' as const, offset: 0, buffer };
  };
  const [out, inp, weight] = [tensor('tune out', [n, n]), tensor('tune inp', [n, n]), tensor('tune weight', [n, n])];
  try {
    const candidates = MATMUL_TILES.filter((t) => tileFits(t, gpu.limits));
    const dispatches = await Promise.all(candidates.map((tile) => matmulForward(gpu, out, inp, weight, null, { tile })));
    const best = candidates.map(() => Infinity);
    for (let r = 0; r <= trials; r++) {
      for (let i = 0; i < candidates.length; i++) {
        const enc = gpu.device.createCommandEncoder();
        const pass = enc.beginComputePass();
        const d = dispatches[i];
        pass.setPipeline(d.pipeline);
        pass.setBindGroup(0, d.bindGroup);
        pass.dispatchWorkgroups(...d.workgroups);
        pass.end();
        const t0 = performance.now();
        gpu.device.queue.submit([enc.finish()]);
        await gpu.device.queue.onSubmittedWorkDone();
        if (r > 0) best[i] = Math.min(best[i], performance.now() - t0); // round 0 warms up
      }
    }
    const timings = candidates.map((tile, i) => ({ tile, ms: best[i] }));
    const fastest = timings.reduce((a, b) => (b.ms < a.ms ? b : a));
    setMatmulTile(gpu, fastest.tile);
    return timings;
  } finally {
    for (const t of [out, inp, weight]) t.buffer.destroy();
  }
}
