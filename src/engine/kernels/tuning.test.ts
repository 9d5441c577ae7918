import { describe, expect, it } from 'vitest';
import { defaultMatmulTile, MATMUL_TILES, MIN_WORKGROUPS, SMALL_TILES, smallTiles, tileFits, tileForShape, tileNeeds, workgroupsOf } from './tuning';

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
  it('a software adapter gets fewer, larger workgroups than a GPU', () => {
    expect(tileNeeds(defaultMatmulTile(true, LIMITS)).invocations).toBeLessThan(tileNeeds(defaultMatmulTile(false, LIMITS)).invocations);
    const tight = { ...LIMITS, maxComputeInvocationsPerWorkgroup: 64 };
    expect(tileFits(defaultMatmulTile(false, tight), tight)).toBe(true);
  });
  it('small products take a smaller tile so that enough workgroups run', () => {
    for (const software of [true, false]) {
      const large = defaultMatmulTile(software, LIMITS);
      expect(tileForShape(large, 1024, 256, LIMITS, software)).toBe(large); // training: many tiles
      const forward = tileForShape(large, 64, 192, LIMITS, software); // one sequence of 64 through qkv
      expect(workgroupsOf(forward, 64, 192)).toBeGreaterThanOrEqual(MIN_WORKGROUPS);
      expect(tileForShape(large, 8, 8, LIMITS, software)).toEqual(smallTiles(software).at(-1)); // nothing makes 8: the smallest
    }
    // Software: 8×8 blocks even in small tiles; a GPU: 4×4 blocks, more invocations.
    expect(smallTiles(true).every((t) => t.RM === 8)).toBe(true);
    expect(smallTiles(false).every((t) => tileNeeds(t).invocations >= 16 && t.RM === 4)).toBe(true);
    expect(SMALL_TILES).toHaveLength(smallTiles(true).length + smallTiles(false).length);
  });
});
