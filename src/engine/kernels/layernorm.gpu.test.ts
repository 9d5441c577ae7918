import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng';
import { testSeed } from '../testing/seed';
import { f32, randn, randu } from '../testing/random';
import { expectClose, type Tolerance } from '../testing/compare';
import { checkGuards, download, getTestGpu, poisoned, run, upload } from '../testing/gpu';
import { ShapeError } from '../gpu/errors';
import * as ref from '../ref/layernorm';
import { layernormBackward, layernormForward } from './layernorm';
import { defaultKernelConfig } from '../tune/defaults';

// out = x̂·w + b with |x̂| ≲ 4: the mean, the variance and rstd each carry a few float32
// roundings (~1e-7 relative), so out is good to ~1e-6 absolute (≤ 9e-7 seen over 170 runs);
// 5e-6 leaves a margin while a wrong eps (rows with variance ~1e-3 here) or a missing mean is
// off by far more.
const TOL_FWD: Tolerance = { atol: 5e-6, rtol: 5e-6 };
// mean and rstd themselves: sums of C float32 terms, relative error ~C·1e-7 at worst.
const TOL_STATS: Tolerance = { atol: 1e-6, rtol: 1e-5 };
// dinp = rstd·(g − mean(g) − x̂·mean(g·x̂)) cancels terms of size rstd·|g|, up to ~50·3 for
// the rows with a small spread, so its error is absolute at that scale (≈4e-6 seen over 80
// runs): a few ulps of 150, with a margin.
const TOL_DINP: Tolerance = { atol: 4e-5, rtol: 1e-5 };
// dweight, dbias: sums over up to 74 rows of O(1) terms added to an O(1) initial value;
// float32 accumulation error ~rows·6e-8 at worst (≈4e-6 seen over 80 runs).
const TOL_PARAMS: Tolerance = { atol: 2e-5, rtol: 1e-5 };

/** Rows with their own offset and spread, so that both the mean and eps matter. */
function rowsInput(rng: Rng, rows: number, C: number): Float64Array {
  const x = randn(rng, rows * C);
  for (let r = 0; r < rows; r++) {
    const offset = rng.uniform(-2, 2);
    const scale = Math.exp(rng.uniform(Math.log(0.02), Math.log(3)));
    for (let c = 0; c < C; c++) x[r * C + c] = scale * (offset + x[r * C + c]);
  }
  return x;
}

async function checkLayernorm(shape: number[], workgroupSize?: number, subgroups?: boolean): Promise<void> {
  const gpu = await getTestGpu();
  const seed = testSeed();
  const rng = new Rng(seed);
  const C = shape[shape.length - 1];
  const rows = shape.reduce((a, b) => a * b, 1) / C;
  const lead = shape.slice(0, -1);
  const n = rows * C;
  const at = `${shape.join('x')} WG${workgroupSize ?? 'default'}${subgroups === undefined ? '' : subgroups ? ' subgroups' : ' workgroup sums'}`;

  const inp = f32(rowsInput(rng, rows, C));
  const weight = f32(randu(rng, C, 0.5, 1.5));
  const bias = f32(randn(rng, C));
  const dout = f32(randn(rng, n));
  const inpT = upload(gpu, 'inp', shape, inp);
  const weightT = upload(gpu, 'weight', [C], weight);

  // forward
  const out = poisoned(gpu, 'out', shape);
  const mean = poisoned(gpu, 'mean', lead);
  const rstd = poisoned(gpu, 'rstd', [rows]); // the flat (rows) form is accepted too
  await run(gpu, [await layernormForward(gpu, defaultKernelConfig(gpu), out, mean, rstd, inpT, weightT, upload(gpu, 'bias', [C], bias), { workgroupSize, subgroups })]);
  const eOut = new Float64Array(n);
  const eMean = new Float64Array(rows);
  const eRstd = new Float64Array(rows);
  ref.layernormForward(eOut, eMean, eRstd, inp, weight, bias, rows, C);
  expectClose(`layernorm_forward out ${at}`, await download(gpu, out), eOut, TOL_FWD, seed);
  expectClose(`layernorm_forward mean ${at}`, await download(gpu, mean), eMean, TOL_STATS, seed);
  expectClose(`layernorm_forward rstd ${at}`, await download(gpu, rstd), eRstd, TOL_STATS, seed);
  for (const t of [out, mean, rstd]) await checkGuards(gpu, t);

  // backward, given the reference's statistics rounded to float32
  const m32 = f32(eMean);
  const r32 = f32(eRstd);
  const meanT = upload(gpu, 'mean', lead, m32);
  const rstdT = upload(gpu, 'rstd', lead, r32);
  const doutT = upload(gpu, 'dout', shape, dout);
  for (const accumulateDinp of [false, true]) {
    const mode = `${at} ${accumulateDinp ? 'accumulate' : 'overwrite'}`;
    const dinp0 = f32(randn(rng, n));
    const dweight0 = f32(randn(rng, C));
    const dbias0 = f32(randn(rng, C));
    const dinp = accumulateDinp ? upload(gpu, 'dinp', shape, dinp0) : poisoned(gpu, 'dinp', shape);
    const dweight = upload(gpu, 'dweight', [C], dweight0);
    const dbias = upload(gpu, 'dbias', [C], dbias0);
    await run(gpu, await layernormBackward(gpu, defaultKernelConfig(gpu), dinp, dweight, dbias, doutT, inpT, weightT, meanT, rstdT, { accumulateDinp, workgroupSize, subgroups }));
    const eDinp = Float64Array.from(dinp0);
    const eDweight = Float64Array.from(dweight0);
    const eDbias = Float64Array.from(dbias0);
    ref.layernormBackward(eDinp, eDweight, eDbias, dout, inp, weight, m32, r32, rows, C, { accumulateDinp });
    expectClose(`layernorm_backward dinp ${mode}`, await download(gpu, dinp), eDinp, TOL_DINP, seed);
    expectClose(`layernorm_backward dweight ${mode}`, await download(gpu, dweight), eDweight, TOL_PARAMS, seed);
    expectClose(`layernorm_backward dbias ${mode}`, await download(gpu, dbias), eDbias, TOL_PARAMS, seed);
    for (const t of [dinp, dweight, dbias]) await checkGuards(gpu, t);
  }
}

// Each shape with the default workgroup (4 invocations per row on SwiftShader, where these
// tests run) and with others, 32 among them, the default on a hardware GPU.
const CASES: [shape: number[], workgroupSizes: (number | undefined)[], why: string][] = [
  [[3, 7, 20], [undefined, 1, 32], 'an awkward size'],
  // 74 rows: three blocks of the parameter reduction, the last one partial; C = 130 spans
  // three workgroups of channels (the last partial) and several strides of a row's workgroup.
  [[2, 37, 130], [undefined, 4, 32], 'several workgroups'],
  [[5, 1000], [undefined, 64], 'a wide row'],
];

describe('layernorm kernels', () => {
  for (const [shape, sizes, why] of CASES) {
    for (const wg of sizes) {
      it(`forward and backward on ${why} (${shape.join(', ')}), WG ${wg ?? 'default'}`, () => checkLayernorm(shape, wg));
    }
    // Both reductions explicitly: shared-memory sums, and subgroupAdd where the device has it.
    it(`forward and backward on ${why}, workgroup sums`, () => checkLayernorm(shape, undefined, false));
    it(`forward and backward on ${why}, subgroup sums (or refused without subgroups)`, async () => {
      const gpu = await getTestGpu();
      if (gpu.features.has('subgroups') && gpu.adapter.subgroupMinSize) await checkLayernorm(shape, undefined, true);
      else await expect(checkLayernorm(shape, undefined, true)).rejects.toThrow(/no subgroups/);
    });
  }

  it('uses subgroup sums by default when the device has them, and refuses a row workgroup larger than a subgroup', async () => {
    const gpu = await getTestGpu();
    const t = (shape: number[]) => poisoned(gpu, 't', shape);
    const [inp, w, stats] = [t([3, 8]), t([8]), t([3])];
    const d = await layernormForward(gpu, defaultKernelConfig(gpu), t([3, 8]), stats, stats, inp, w, w);
    const min = gpu.adapter.subgroupMinSize;
    expect(d.pipeline.label.includes('(subgroups)')).toBe(Boolean(gpu.features.has('subgroups') && min));
    if (gpu.features.has('subgroups') && min) {
      expect(() => layernormForward(gpu, defaultKernelConfig(gpu), t([3, 8]), stats, stats, inp, w, w, { subgroups: true, workgroupSize: 2 * min })).toThrow(/exceeds the smallest subgroup/);
    }
  });

  it('rejects mismatched shapes', async () => {
    const gpu = await getTestGpu();
    const inp = poisoned(gpu, 'inp', [3, 4]);
    const w = poisoned(gpu, 'w', [4]);
    const stats = poisoned(gpu, 'stats', [3]);
    expect(() => layernormForward(gpu, defaultKernelConfig(gpu), inp, stats, stats, inp, poisoned(gpu, 'w5', [5]), w)).toThrow(ShapeError);
    expect(() => layernormForward(gpu, defaultKernelConfig(gpu), inp, poisoned(gpu, 'm', [4]), stats, inp, w, w)).toThrow(ShapeError);
    await expect(layernormBackward(gpu, defaultKernelConfig(gpu), poisoned(gpu, 'd', [4, 3]), w, w, inp, inp, w, stats, stats)).rejects.toThrow(ShapeError);
    expect(() => layernormForward(gpu, defaultKernelConfig(gpu), inp, stats, stats, inp, w, w, { workgroupSize: 0 })).toThrow(RangeError);
  });
});
