import { describe, expect, it } from 'vitest';
import { MATMUL_TILES, MIN_WORKGROUPS, SMALL_TILES, tileFits, tileForShape, tileNeeds, workgroupsOf, type MatmulConfig } from './config';

// WebGPU's default limits, which every adapter meets.
const LIMITS = { maxComputeWorkgroupStorageSize: 16384, maxComputeInvocationsPerWorkgroup: 256, maxComputeWorkgroupSizeX: 256, maxComputeWorkgroupSizeY: 256 };

describe('matmul tiles', () => {
  it('every candidate fits the default limits', () => {
    for (const t of [...MATMUL_TILES, ...SMALL_TILES]) expect(tileFits(t, LIMITS), JSON.stringify(t)).toBe(true);
  });
  it('counts workgroup memory and invocations', () => {
    expect(tileNeeds({ BM: 64, BN: 64, BK: 16, RM: 8, RN: 8 })).toEqual({ bytes: 8192, invocations: 64, x: 8, y: 8 });
    expect(tileNeeds({ BM: 32, BN: 32, BK: 16, RM: 4, RN: 4 })).toEqual({ bytes: 4096, invocations: 64, x: 8, y: 8 });
  });
  it('refuses blocks the kernel does not have and tiles over the limits', () => {
    expect(tileFits({ BM: 48, BN: 48, BK: 16, RM: 6, RN: 6 }, LIMITS)).toBe(false);
    expect(tileFits({ BM: 128, BN: 128, BK: 32, RM: 8, RN: 8 }, LIMITS)).toBe(false); // 32 KiB
    expect(tileFits({ BM: 256, BN: 64, BK: 4, RM: 4, RN: 4 }, LIMITS)).toBe(false); // 1024 invocations
  });
  it('small products take a smaller tile of the configuration so that enough workgroups run', () => {
    const matmul: MatmulConfig = { lanes: false, tile: { BM: 64, BN: 64, BK: 16, RM: 8, RN: 8 }, smallTiles: SMALL_TILES.slice(1) };
    expect(tileForShape(matmul, 1024, 256)).toBe(matmul.tile); // training: many tiles
    const forward = tileForShape(matmul, 64, 192); // one sequence of 64 through qkv
    expect(matmul.smallTiles).toContain(forward);
    expect(workgroupsOf(forward, 64, 192)).toBeGreaterThanOrEqual(MIN_WORKGROUPS);
    expect(tileForShape(matmul, 8, 8)).toBe(matmul.smallTiles.at(-1)); // nothing makes 8: the smallest
    expect(tileForShape({ ...matmul, smallTiles: [] }, 8, 8)).toBe(matmul.tile); // none fits the device
  });
});
