// intervene.wgsl: a head's output or a sublayer's contribution replaced in place (zeroed, set
// or patched from a source run) during a forward, as core/inspect.ts defines the modes.
import type { Gpu } from '../gpu/device';
import { ceilDiv, createUniform, grid1d, makeDispatch, type Dispatch } from '../gpu/dispatch';
import { ShapeError } from '../gpu/errors';
import { expectDtype, expectShape, numel, rowsCols, type Tensor } from '../gpu/tensor';
import { shaderSource } from './shaders';

const shader = shaderSource('intervene.wgsl');
const WG = 256;

/** Where one site's part of the shared buffers starts, and how rows map to positions. */
export interface InterveneSite {
  /** Positions per sequence: row r of y is position r mod T. */
  T: number;
  /** Elements: this site's first mode, value and source value. */
  modesOffset: number;
  valuesOffset: number;
  sourcesOffset: number;
}

function checkedUniform(what: string, gpu: Gpu, y: Tensor, NH: number, modes: Tensor, values: Tensor, sources: Tensor | null, s: InterveneSite): GPUBuffer {
  const [rows, C] = rowsCols(y);
  expectDtype(what, y, 'f32');
  expectDtype(what, modes, 'u32');
  expectDtype(what, values, 'f32');
  if (C % NH !== 0) throw new ShapeError(`${what}: width ${C} is not a multiple of ${NH} groups`);
  if (rows % s.T !== 0) throw new ShapeError(`${what}: ${rows} rows are not whole sequences of ${s.T} positions`);
  const within = (t: Tensor, offset: number, n: number) => {
    if (!Number.isInteger(offset) || offset < 0 || offset + n > numel(t.shape)) {
      throw new ShapeError(`${what}: ${t.label} has ${numel(t.shape)} elements, the site reads [${offset}, ${offset + n})`);
    }
  };
  within(modes, s.modesOffset, NH);
  within(values, s.valuesOffset, C);
  if (sources) {
    expectDtype(what, sources, 'f32');
    within(sources, s.sourcesOffset, s.T * C);
  }
  return createUniform(gpu, 'intervene.params', [
    ['u32', rows], ['u32', C], ['u32', NH], ['u32', s.T], ['u32', s.modesOffset], ['u32', s.valuesOffset], ['u32', s.sourcesOffset],
  ]);
}

/**
 * y (rows, C) in place: head h's columns [h·C/NH, (h+1)·C/NH) replaced as modes[modesOffset + h]
 * says. Without sources (null) nothing may be patched.
 */
export function interveneHeads(gpu: Gpu, y: Tensor, modes: Tensor, values: Tensor, sources: Tensor | null, NH: number, site: InterveneSite): Promise<Dispatch> {
  const u = checkedUniform('interveneHeads', gpu, y, NH, modes, values, sources, site);
  return makeDispatch(gpu, 'intervene_heads', { shader, entryPoint: 'intervene_heads', constants: { WG } },
    [y, null, modes, values, sources ?? gpu.dummyBuffer(), u], grid1d(gpu, ceilDiv(numel(y.shape), WG)));
}

/** y (rows, C) in place: y = base + f(y − base), one group whose mode is modes[modesOffset]. */
export function interveneDelta(gpu: Gpu, y: Tensor, base: Tensor, modes: Tensor, values: Tensor, sources: Tensor | null, site: InterveneSite): Promise<Dispatch> {
  expectShape('interveneDelta', base, y.shape);
  const u = checkedUniform('interveneDelta', gpu, y, 1, modes, values, sources, site);
  return makeDispatch(gpu, 'intervene_delta', { shader, entryPoint: 'intervene_delta', constants: { WG } },
    [y, base, modes, values, sources ?? gpu.dummyBuffer(), u], grid1d(gpu, ceilDiv(numel(y.shape), WG)));
}
