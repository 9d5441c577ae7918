// The per-device kernel choices as one plain, immutable object: chosen once per device above
// the kernels (engine/tune: a default from what the adapter is, then the matmul tile measured
// on the device) and passed into every plan, so that what a plan compiles depends only on its
// arguments. The matmul tile and the attention staging change speed only: every tile sums
// each output over k in the same order, and staged or direct reads fetch the same values. The
// row kernels' workgroup sizes and subgroups change the order of a row's sums, so those are
// fixed for a device before its first plan and tuning never changes them.
import { ceilDiv } from '../gpu/dispatch';

/**
 * matmul.wgsl's output tile (BM×BN), each invocation's block (RM×RN: 8×8 or 4×4) and the K
 * step BK.
 */
export interface MatmulTile {
  readonly BM: number;
  readonly BN: number;
  readonly BK: number;
  readonly RM: number;
  readonly RN: number;
}

export interface MatmulConfig {
  /**
   * Products run matmul_lanes.wgsl (one subgroup of 4 lanes per workgroup, a 16×32 tile, no
   * workgroup memory) instead of the tiled kernel, unless a caller asks for a tile. Only on a
   * device with subgroups of at least 4 lanes.
   */
  readonly lanes: boolean;
  /** The tile of products that make enough workgroups with it (the bulk of training's). */
  readonly tile: MatmulTile;
  /**
   * Smaller tiles, largest first, each fitting the device, for products that would make fewer
   * than MIN_WORKGROUPS workgroups with `tile`: the work is spread over enough workgroups to
   * keep the device busy.
   */
  readonly smallTiles: readonly MatmulTile[];
}

export interface AttentionConfig {
  /**
   * Heads of at most this many channels read keys (or queries) straight from global memory;
   * larger heads stage them in workgroup memory (attention.wgsl). 0: always staged.
   */
  readonly directMaxHeadSize: number;
}

/** Invocations per row of cross-entropy: about `logitsPerInvocation` each, a power of two in [min, max]. */
export interface CrossentropyWorkgroups {
  readonly min: number;
  readonly max: number;
  readonly logitsPerInvocation: number;
}

/** Workgroup sizes of the one-workgroup-per-row kernels (capped to a subgroup with subgroups). */
export interface RowWorkgroups {
  /** layernorm's forward and dinp. */
  readonly layernorm: number;
  readonly crossentropy: CrossentropyWorkgroups;
  /** attention_decode: invocations per head. */
  readonly attentionDecode: number;
}

export interface KernelConfig {
  readonly matmul: MatmulConfig;
  readonly attention: AttentionConfig;
  readonly rowWorkgroups: RowWorkgroups;
  /**
   * Row kernels reduce through subgroup operations (no workgroup memory, no barrier). Only on
   * a device with the 'subgroups' feature that reports its subgroup sizes.
   */
  readonly subgroups: boolean;
}

const tile = (BM: number, BN: number, BK: number, R = 8): MatmulTile => ({ BM, BN, BK, RM: R, RN: R });

/** The large tiles worth trying for the bulk of training's products (what the tuner measures). */
export const MATMUL_TILES: readonly MatmulTile[] = [
  tile(32, 64, 16),
  tile(64, 64, 16),
  tile(64, 64, 32),
  tile(128, 64, 16),
  tile(128, 128, 8),
];

/**
 * Small tiles for a software adapter: 32×32 with 8×8 blocks (16 invocations). Measured against
 * the 64×64 tile on SwiftShader (npm run bench:kernels, alternating trials): 2.4× faster at
 * 32×32×96, 1.3× at 64×64×192 and 64×128×65; 4×4 blocks were 1.2–1.8× slower than 8×8 ones
 * at every small shape.
 */
export const SOFTWARE_SMALL_TILES: readonly MatmulTile[] = [tile(32, 32, 16)];

/**
 * Small tiles for a GPU, which wants more invocations per workgroup than 16: 4×4 blocks (64
 * and 16 invocations). Not measured here (no GPU).
 */
export const GPU_SMALL_TILES: readonly MatmulTile[] = [tile(32, 32, 16, 4), tile(16, 16, 16, 4)];

/** Every small tile of either kind (for tests and benchmarks). */
export const SMALL_TILES: readonly MatmulTile[] = [...SOFTWARE_SMALL_TILES, ...GPU_SMALL_TILES];

/** Below this many workgroups a product takes the next smaller tile. */
export const MIN_WORKGROUPS = 8;

export type TileLimits = Pick<GPUSupportedLimits,
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

export const workgroupsOf = (t: MatmulTile, M: number, N: number): number => ceilDiv(M, t.BM) * ceilDiv(N, t.BN);

/**
 * The tile for an M×N product: the large one unless it would make fewer than MIN_WORKGROUPS
 * workgroups, then the first small tile that makes enough (or the smallest).
 */
export function tileForShape(matmul: MatmulConfig, M: number, N: number): MatmulTile {
  if (workgroupsOf(matmul.tile, M, N) >= MIN_WORKGROUPS) return matmul.tile;
  const small = matmul.smallTiles;
  return small.find((t) => workgroupsOf(t, M, N) >= MIN_WORKGROUPS) ?? small.at(-1) ?? matmul.tile;
}
