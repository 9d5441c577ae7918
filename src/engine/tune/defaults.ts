// The kernel configuration a device starts with, a pure function of what its adapter is: a
// software adapter (SwiftShader) and a GPU want different shapes of work. tune.ts may then
// replace the matmul tile with the one measured fastest on the device.
import type { Gpu } from '../gpu/device';
import {
  GPU_SMALL_TILES,
  SOFTWARE_SMALL_TILES,
  tileFits,
  type CrossentropyWorkgroups,
  type KernelConfig,
  type MatmulTile,
  type TileLimits,
} from '../kernels/config';

/** What the default depends on: the adapter's kind and subgroup sizes, the limits, the features. */
export type DeviceTraits = Pick<Gpu, 'adapter' | 'limits' | 'features'>;

/**
 * Before measuring: 64×64×16 for a software adapter, where fewer, larger workgroups cost less
 * to schedule; 128×64×16 (128 invocations) for a GPU, which needs more threads per workgroup
 * to hide memory latency.
 */
export function defaultMatmulTile(isFallback: boolean, limits: TileLimits): MatmulTile {
  const wanted: MatmulTile = isFallback ? { BM: 64, BN: 64, BK: 16, RM: 8, RN: 8 } : { BM: 128, BN: 64, BK: 16, RM: 8, RN: 8 };
  return tileFits(wanted, limits) ? wanted : { BM: 32, BN: 64, BK: 16, RM: 8, RN: 8 };
}

/**
 * Invocations per row of layernorm: one warp on most GPUs. SwiftShader runs a workgroup's
 * invocations 4 at a time and pays for every barrier in proportion to the workgroup: there 4
 * measured 4-6x faster than 32 (rows of 64..384).
 */
const LAYERNORM_ROW = { gpu: 32, software: 4 };

/**
 * Invocations per cross-entropy row. On a GPU, about 8 logits per invocation and at most 256:
 * a 65-wide character vocabulary keeps 32 busy, a 50257-wide one splits over 256. SwiftShader
 * runs a workgroup as coroutines of 4 SIMD lanes that switch at every barrier, so the tree
 * costs far more than it saves there: 4 invocations (one coroutine) measured fastest, 5–10×
 * faster than 32 and far more than that against 128.
 */
const CROSSENTROPY_ROW: { gpu: CrossentropyWorkgroups; software: CrossentropyWorkgroups } = {
  gpu: { min: 32, max: 256, logitsPerInvocation: 8 },
  software: { min: 4, max: 4, logitsPerInvocation: 8 },
};

/**
 * Attention stages keys in workgroup memory on GPUs, and on software adapters for heads over
 * 32 channels; smaller heads read global memory directly there. Measured on SwiftShader,
 * direct against staged in alternating trials (npm run bench:kernels -- --filter attention_):
 * hs 16 (B16 T64) forward 1.07×, backward 1.06×; hs 32 (B8 T64) 1.07× and 1.24×; hs 64
 * (B4 T256) 0.91× and 0.91×.
 */
const ATTENTION_DIRECT_MAX_HEAD_SIZE = { gpu: 0, software: 32 };

/**
 * Lanes in matmul_lanes.wgsl's workgroup, which must fit in one subgroup. Software adapters
 * only: there a read with a run-time index is a gather and a barrier switches coroutines, so
 * four lanes sharing A through subgroupBroadcast measured 1.6–2.4× faster than the tiled
 * kernel at the model's shapes; a GPU wants the tiled kernel's workgroup memory and threads.
 */
export const MATMUL_LANES = 4;

/** attention_decode: invocations per head without subgroups (with them, one subgroup). */
const ATTENTION_DECODE_WG = 64;

/** Frozen all the way down: a configuration is shared by every plan built with it. */
function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

/** The configuration of a device before anything is measured on it. */
export function defaultKernelConfig(gpu: DeviceTraits): KernelConfig {
  const kind = gpu.adapter.isFallback ? 'software' : 'gpu';
  const smallTiles = gpu.adapter.isFallback ? SOFTWARE_SMALL_TILES : GPU_SMALL_TILES;
  const subgroups = gpu.features.has('subgroups') && (gpu.adapter.subgroupMinSize ?? 0) > 0;
  return deepFreeze({
    matmul: {
      lanes: gpu.adapter.isFallback && subgroups && (gpu.adapter.subgroupMinSize ?? 0) >= MATMUL_LANES,
      tile: defaultMatmulTile(gpu.adapter.isFallback, gpu.limits),
      smallTiles: smallTiles.filter((t) => tileFits(t, gpu.limits)).map((t) => ({ ...t })),
    },
    attention: { directMaxHeadSize: ATTENTION_DIRECT_MAX_HEAD_SIZE[kind] },
    rowWorkgroups: { layernorm: LAYERNORM_ROW[kind], crossentropy: { ...CROSSENTROPY_ROW[kind] }, attentionDecode: ATTENTION_DECODE_WG },
    subgroups,
  });
}

/** The same configuration with a different large matmul tile (which changes speed only). */
export function withMatmulTile(config: KernelConfig, tile: MatmulTile): KernelConfig {
  return deepFreeze({ ...config, matmul: { ...config.matmul, tile: { ...tile } } });
}
