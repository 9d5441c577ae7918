// tuneMatmul on the test device: every fitting candidate is timed, the fastest becomes the
// device's tile, and products built afterwards use it.
import { afterEach, describe, expect, it } from 'vitest';
import { getTestGpu, poisoned } from '../testing/gpu';
import { matmulForward } from './matmul';
import { defaultMatmulTile, MATMUL_TILES, matmulTile, setMatmulTile, tileFits, tileForShape, tuneMatmul, workgroupsOf } from './tuning';

describe('tuneMatmul', () => {
  afterEach(async () => {
    const gpu = await getTestGpu();
    setMatmulTile(gpu, defaultMatmulTile(gpu.adapter.isFallback, gpu.limits)); // other tests expect the default
  });

  it('times every candidate that fits and keeps the fastest', async () => {
    const gpu = await getTestGpu();
    const timings = await tuneMatmul(gpu, { n: 64, trials: 1 });
    expect(timings.map((t) => t.tile)).toEqual(MATMUL_TILES.filter((t) => tileFits(t, gpu.limits)));
    for (const t of timings) expect(t.ms).toBeGreaterThan(0);
    const fastest = timings.reduce((a, b) => (b.ms < a.ms ? b : a));
    expect(matmulTile(gpu)).toEqual(fastest.tile);
    // Products built from now on start from the tuned tile (a small one if it makes too few workgroups).
    const t = (shape: number[]) => poisoned(gpu, 't', shape);
    const d = await matmulForward(gpu, t([1024, 256]), t([1024, 32]), t([256, 32]), null);
    const expected = tileForShape(fastest.tile, 1024, 256, gpu.limits, gpu.adapter.isFallback);
    expect(d.workgroups).toEqual([workgroupsOf(expected, 1024, 256), 1, 1]);
  });

  it('refuses to set a tile the device cannot run', async () => {
    const gpu = await getTestGpu();
    expect(() => setMatmulTile(gpu, { BM: 256, BN: 256, BK: 64, RM: 8, RN: 8 })).toThrow(RangeError);
  });
});
