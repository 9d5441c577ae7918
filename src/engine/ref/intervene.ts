// float64 reference for intervene.wgsl: replacing groups of a (rows, C) activation in place,
// as core/inspect.ts defines the modes. Row r is position t = r mod T of its sequence.
//   KEEP  the group is not written at all (the forward is exactly the plain one)
//   ZERO  0
//   SET   values[valuesOffset + c]
//   PATCH sources[sourcesOffset + t·C + c] (a source run's value at the same position)
// interveneHeads acts on NH groups of width C/NH (a head each), interveneDelta on one group of
// a sublayer's contribution y − base, keeping y = base + that contribution.
import { MODE_KEEP, MODE_PATCH, MODE_SET, MODE_ZERO } from '../../core/inspect';
import type { InterveneSite } from '../kernels/intervene';

export type { InterveneSite } from '../kernels/intervene';

/** The replacement of column c at position t under `mode` (not called for KEEP). */
function replacement(mode: number, values: ArrayLike<number>, sources: ArrayLike<number>, C: number, s: InterveneSite, t: number, c: number): number {
  switch (mode) {
    case MODE_ZERO:
      return 0;
    case MODE_SET:
      return values[s.valuesOffset + c];
    case MODE_PATCH:
      return sources[s.sourcesOffset + t * C + c];
    default:
      throw new Error(`unknown intervention mode ${mode}`);
  }
}

/** y (rows, C) in place: group h = columns [h·C/NH, (h+1)·C/NH) replaced by its mode modes[modesOffset + h]. */
export function interveneHeads(
  y: Float64Array,
  modes: ArrayLike<number>,
  values: ArrayLike<number>,
  sources: ArrayLike<number>,
  rows: number,
  C: number,
  NH: number,
  s: InterveneSite,
): void {
  const hs = C / NH;
  for (let r = 0; r < rows; r++) {
    const t = r % s.T;
    for (let c = 0; c < C; c++) {
      const mode = modes[s.modesOffset + Math.floor(c / hs)];
      if (mode !== MODE_KEEP) y[r * C + c] = replacement(mode, values, sources, C, s, t, c);
    }
  }
}

/** y (rows, C) in place: y = base + f(y − base), one group whose mode is modes[modesOffset]. */
export function interveneDelta(
  y: Float64Array,
  base: ArrayLike<number>,
  modes: ArrayLike<number>,
  values: ArrayLike<number>,
  sources: ArrayLike<number>,
  rows: number,
  C: number,
  s: InterveneSite,
): void {
  const mode = modes[s.modesOffset];
  if (mode === MODE_KEEP) return;
  for (let r = 0; r < rows; r++) {
    const t = r % s.T;
    for (let c = 0; c < C; c++) y[r * C + c] = base[r * C + c] + replacement(mode, values, sources, C, s, t, c);
  }
}
