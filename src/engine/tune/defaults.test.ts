import { describe, expect, it } from 'vitest';
import { GPU_SMALL_TILES, SOFTWARE_SMALL_TILES, tileFits, tileNeeds } from '../kernels/config';
import { crossentropyWorkgroupSize } from '../kernels/crossentropy';
import { defaultKernelConfig, defaultMatmulTile, withMatmulTile, type DeviceTraits } from './defaults';

// WebGPU's default limits, which every adapter meets.
const LIMITS = { maxComputeWorkgroupStorageSize: 16384, maxComputeInvocationsPerWorkgroup: 256, maxComputeWorkgroupSizeX: 256, maxComputeWorkgroupSizeY: 256 } as GPUSupportedLimits;

const device = (isFallback: boolean, subgroupMinSize?: number, limits = LIMITS): DeviceTraits => ({
  adapter: { vendor: '', architecture: '', device: '', description: '', isFallback, subgroupMinSize, subgroupMaxSize: subgroupMinSize },
  limits,
  features: new Set(subgroupMinSize ? ['subgroups'] : []),
});

describe('default kernel configuration', () => {
  it('a software adapter gets fewer, larger matmul workgroups than a GPU', () => {
    expect(tileNeeds(defaultMatmulTile(true, LIMITS)).invocations).toBeLessThan(tileNeeds(defaultMatmulTile(false, LIMITS)).invocations);
    const tight = { ...LIMITS, maxComputeInvocationsPerWorkgroup: 64 };
    expect(tileFits(defaultMatmulTile(false, tight), tight)).toBe(true);
  });

  it('small tiles: 8×8 blocks on a software adapter, 4×4 blocks (more invocations) on a GPU', () => {
    expect(defaultKernelConfig(device(true)).matmul.smallTiles).toEqual(SOFTWARE_SMALL_TILES);
    expect(defaultKernelConfig(device(false)).matmul.smallTiles).toEqual(GPU_SMALL_TILES);
    expect(SOFTWARE_SMALL_TILES.every((t) => t.RM === 8)).toBe(true);
    expect(GPU_SMALL_TILES.every((t) => tileNeeds(t).invocations >= 16 && t.RM === 4)).toBe(true);
    const tight = { ...LIMITS, maxComputeInvocationsPerWorkgroup: 32 } as GPUSupportedLimits;
    expect(defaultKernelConfig(device(false, undefined, tight)).matmul.smallTiles.every((t) => tileFits(t, tight))).toBe(true);
  });

  it('row kernels and attention: as measured on SwiftShader for a software adapter', () => {
    const software = defaultKernelConfig(device(true));
    const gpu = defaultKernelConfig(device(false));
    expect([software.rowWorkgroups.layernorm, gpu.rowWorkgroups.layernorm]).toEqual([4, 32]);
    expect([65, 50257].map((V) => crossentropyWorkgroupSize(software, V))).toEqual([4, 4]);
    expect([65, 256, 257, 50257].map((V) => crossentropyWorkgroupSize(gpu, V))).toEqual([32, 32, 64, 256]);
    expect([software.attention.directMaxHeadSize, gpu.attention.directMaxHeadSize]).toEqual([32, 0]);
  });

  it('subgroups only where the device has the feature and reports their size', () => {
    expect(defaultKernelConfig(device(true, 4)).subgroups).toBe(true);
    expect(defaultKernelConfig(device(false)).subgroups).toBe(false);
    expect(defaultKernelConfig({ ...device(false, 32), features: new Set() }).subgroups).toBe(false);
  });

  it('is a pure function of the device, and frozen', () => {
    const d = device(false, 32);
    const config = defaultKernelConfig(d);
    expect(defaultKernelConfig(d)).toEqual(config);
    expect(Object.isFrozen(config) && Object.isFrozen(config.matmul.tile) && Object.isFrozen(config.rowWorkgroups.crossentropy)).toBe(true);
    const tile = { BM: 64, BN: 64, BK: 32, RM: 8, RN: 8 };
    const tuned = withMatmulTile(config, tile);
    expect(tuned).toEqual({ ...config, matmul: { ...config.matmul, tile } });
    expect(config.matmul.tile).toEqual(defaultMatmulTile(false, LIMITS)); // the original is unchanged
  });
});
