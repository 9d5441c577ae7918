// tuneKernelConfig on the test device: every fitting candidate is timed, a new configuration
// holds the fastest, and products built with it use it; the configuration it started from is
// untouched, so nothing else on the device changes.
import { describe, expect, it } from 'vitest';
import { getTestGpu, poisoned } from '../testing/gpu';
import { MATMUL_TILES, tileFits, tileForShape, workgroupsOf } from '../kernels/config';
import { matmulForward } from '../kernels/matmul';
import { defaultKernelConfig } from './defaults';
import { tuneKernelConfig } from './tune';

describe('tuneKernelConfig', () => {
  it('times every candidate that fits and returns a configuration with the fastest', async () => {
    const gpu = await getTestGpu();
    const base = defaultKernelConfig(gpu);
    const { config, timings } = await tuneKernelConfig(gpu, base, { n: 64, trials: 1 });
    expect(timings.map((t) => t.tile)).toEqual(MATMUL_TILES.filter((t) => tileFits(t, gpu.limits)));
    for (const t of timings) expect(t.ms).toBeGreaterThan(0);
    const fastest = timings.reduce((a, b) => (b.ms < a.ms ? b : a));
    expect(config).toEqual({ ...base, matmul: { ...base.matmul, tile: fastest.tile } });
    expect(base).toEqual(defaultKernelConfig(gpu));
    // Products built with the tuned configuration start from its tile (a small one if it makes
    // too few workgroups) when it runs the tiled kernel rather than matmul_lanes.
    const t = (shape: number[]) => poisoned(gpu, 't', shape);
    const tiled = { ...config, matmul: { ...config.matmul, lanes: false } };
    const d = await matmulForward(gpu, tiled, t([1024, 256]), t([1024, 32]), t([256, 32]), null);
    const expected = tileForShape(config.matmul, 1024, 256);
    expect(d.workgroups).toEqual([workgroupsOf(expected, 1024, 256), 1, 1]);
  });
});
