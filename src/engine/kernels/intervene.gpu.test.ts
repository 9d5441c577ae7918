import { describe, expect, it } from 'vitest';
import { MODE_KEEP, MODE_PATCH, MODE_SET, MODE_ZERO, SITES } from '../../core/inspect';
import { Rng } from '../../core/rng';
import { testSeed } from '../testing/seed';
import { f32, randn } from '../testing/random';
import { expectClose } from '../testing/compare';
import { checkGuards, download, getTestGpu, run, upload } from '../testing/gpu';
import * as ref from '../ref/intervene';
import { interveneDelta, interveneHeads, type InterveneSite } from './intervene';

// ZERO, SET and PATCH copy a value (exact); intervene_delta adds one float32 to another, which
// rounds once: within half an ulp (6e-8 relative) of the float64 sum. KEEP is checked bit for bit.
const TOL = { atol: 1e-6, rtol: 1e-6 };

/** Every site's modes, values and sources of a 2-layer model with random content, and site `k`'s offsets. */
function tables(rng: Rng, NH: number, C: number, T: number, k: number) {
  const L = 2;
  const site: InterveneSite = { T, modesOffset: k * NH, valuesOffset: k * C, sourcesOffset: k * T * C };
  const modes = new Uint32Array(L * SITES * NH).map(() => rng.int(4));
  return { site, modes, values: f32(randn(rng, L * SITES * C)), sources: f32(randn(rng, L * SITES * T * C)) };
}

const bits = (x: ArrayLike<number>) => Array.from(new Uint32Array(Float32Array.from(x).buffer));

describe('intervene kernels', () => {
  const shapes: [number, number, number, number[]][] = [
    // rows = B·T, C, NH, the site's modes per group
    [39, 24, 4, [MODE_KEEP, MODE_ZERO, MODE_SET, MODE_PATCH]],
    [35, 21, 3, [MODE_PATCH, MODE_KEEP, MODE_SET]],
  ];
  for (const [rows, C, NH, siteModes] of shapes) {
    it(`heads: rows ${rows}, C ${C}, NH ${NH}, groups ${siteModes.join(',')}`, async () => {
      const gpu = await getTestGpu();
      const seed = testSeed();
      const rng = new Rng(seed);
      const T = rows === 39 ? 13 : 7;
      const { site, modes, values, sources } = tables(rng, NH, C, T, 3);
      modes.set(siteModes, site.modesOffset);
      const y0 = f32(randn(rng, rows * C));
      const y = upload(gpu, 'y', [rows, C], y0);
      const m = upload(gpu, 'modes', [modes.length], modes, 'u32');
      const v = upload(gpu, 'values', [values.length], values);
      const s = upload(gpu, 'sources', [sources.length], sources);
      await run(gpu, [await interveneHeads(gpu, y, m, v, s, NH, site)]);
      const expected = Float64Array.from(y0);
      ref.interveneHeads(expected, modes, values, sources, rows, C, NH, site);
      const got = await download(gpu, y);
      expectClose('intervene_heads', got, expected, TOL, seed);
      // a kept group is the input, bit for bit
      const keep = siteModes.indexOf(MODE_KEEP);
      const hs = C / NH;
      const kept = (x: ArrayLike<number>) => Array.from({ length: rows * hs }, (_, i) => x[Math.floor(i / hs) * C + keep * hs + (i % hs)]);
      expect(bits(kept(got)), `seed ${seed}`).toEqual(bits(kept(y0)));
      await checkGuards(gpu, y);
    });
  }

  for (const mode of [MODE_KEEP, MODE_ZERO, MODE_SET, MODE_PATCH]) {
    it(`delta: y = base + f(y − base), mode ${mode}, rows 35 C 22`, async () => {
      const gpu = await getTestGpu();
      const seed = testSeed();
      const rng = new Rng(seed);
      const [rows, C, T] = [35, 22, 5];
      const { site, modes, values, sources } = tables(rng, 1, C, T, 2);
      modes[site.modesOffset] = mode;
      const y0 = f32(randn(rng, rows * C));
      const base = f32(randn(rng, rows * C, 3));
      const y = upload(gpu, 'y', [rows, C], y0);
      const m = upload(gpu, 'modes', [modes.length], modes, 'u32');
      const v = upload(gpu, 'values', [values.length], values);
      // ZERO and SET read no sources: the dummy binding stands in
      const s = mode === MODE_PATCH ? upload(gpu, 'sources', [sources.length], sources) : null;
      await run(gpu, [await interveneDelta(gpu, y, upload(gpu, 'base', [rows, C], base), m, v, s, site)]);
      const expected = Float64Array.from(y0);
      ref.interveneDelta(expected, base, modes, values, sources, rows, C, site);
      const got = await download(gpu, y);
      expectClose('intervene_delta', got, expected, TOL, seed);
      if (mode === MODE_KEEP) expect(bits(got), `seed ${seed}`).toEqual(bits(y0));
      else expect(bits(got), `seed ${seed}`).not.toEqual(bits(y0));
      await checkGuards(gpu, y);
    });
  }

  it('refuses a site outside its buffers', async () => {
    const gpu = await getTestGpu();
    const y = upload(gpu, 'y', [6, 8], new Float32Array(48));
    const m = upload(gpu, 'modes', [4], new Uint32Array(4), 'u32');
    const v = upload(gpu, 'values', [16], new Float32Array(16));
    expect(() => interveneHeads(gpu, y, m, v, null, 2, { T: 3, modesOffset: 3, valuesOffset: 0, sourcesOffset: 0 })).toThrow(/modes/);
    expect(() => interveneHeads(gpu, y, m, v, null, 2, { T: 4, modesOffset: 0, valuesOffset: 0, sourcesOffset: 0 })).toThrow(/whole sequences/);
    expect(() => interveneDelta(gpu, y, y, m, v, null, { T: 3, modesOffset: 0, valuesOffset: 9, sourcesOffset: 0 })).toThrow(/values/);
  });
});
