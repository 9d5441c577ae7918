// Per-device choices of kernel shapes. Every candidate computes bit-identical results (each
// output sums over k in the same order whatever the tile), so picking one changes only speed.
// The default comes from what the adapter is; tuneMatmul() measures the candidates on the
// device itself and keeps the fastest for the rest of the session.
import type { Gpu } from '../gpu/device';

/** matmul.wgsl's output tile (BM×BN, 8×8 per invocation) and K step. */
export interface MatmulTile {
  BM: number;
  BN: number;
  BK: number;
}

/** The tiles worth trying, smallest first. */
export const MATMUL_TILES: readonly MatmulTile[] = [
  { BM: 32, BN: 64, BK: 16 },
  { BM: 64, BN: 64, BK: 16 },
  { BM: 64, BN: 64, BK: 32 },
  { BM: 128, BN: 64, BK: 16 },
  { BM: 128, BN: 128, BK: 8 },
];

/** Workgroup memory (bytes) and invocations a tile needs. */
export function tileNeeds(t: MatmulTile): { bytes: number; invocations: number; x: number; y: number } {
  return { bytes: (t.BM * t.BK + t.BK * t.BN) * 4, invocations: (t.BM / 8) * (t.BN / 8), x: t.BN / 8, y: t.BM / 8 };
}

export function tileFits(t: MatmulTile, limits: Pick<GPUSupportedLimits,
  'maxComputeWorkgroupStorageSize' | 'maxComputeInvocationsPerWorkgroup' | 'maxComputeWorkgroupSizeX' | 'maxComputeWorkgroupSizeY'>): boolean {
  const n = tileNeeds(t);
  return t.BM % 8 === 0 && t.BN % 8 === 0 &&
    n.bytes <= limits.maxComputeWorkgroupStorageSize &&
    n.invocations <= limits.maxComputeInvocationsPerWorkgroup &&
    n.x <= limits.maxComputeWorkgroupSizeX && n.y <= limits.maxComputeWorkgroupSizeY;
}

/**
 * Before measuring: 64×64×16 for a software adapter, where fewer, larger workgroups cost less
 * to schedule and the gather count per multiply-add is what matters; 128×64×16 (128
 * invocations) for a GPU, which needs more threads per workgroup to hide memory latency.
 */
export function defaultMatmulTile(isFallback: boolean, limits: Parameters<typeof tileFits>[1]): MatmulTile {
  const wanted = isFallback ? { BM: 64, BN: 64, BK: 16 } : { BM: 128, BN: 64, BK: 16 };
  return tileFits(wanted, limits) ? wanted : { BM: 32, BN: 64, BK: 16 };
}

const chosen = new WeakMap<Gpu, MatmulTile>();

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
