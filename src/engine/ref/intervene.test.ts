// Each mode of the reference interventions on a 4-row example small enough to check by hand:
// 2 sequences of T = 2 positions, C = 4 columns in NH = 2 groups of 2. The modes, values and
// sources sit after one site's worth of other entries, so the offsets are exercised too.
import { describe, expect, it } from 'vitest';
import { MODE_KEEP, MODE_PATCH, MODE_SET, MODE_ZERO } from '../../core/inspect';
import { interveneDelta as refDelta, interveneHeads as refHeads, type InterveneSite } from './intervene';

const rows = 4;
const C = 4;
const T = 2;
const NH = 2;
const site: InterveneSite = { T, modesOffset: 2, valuesOffset: 4, sourcesOffset: 8 };
const interveneHeads = (y: Float64Array, m: Uint32Array, v: Float64Array, s: Float64Array) => refHeads(y, m, v, s, rows, C, NH, site);
const interveneDelta = (y: Float64Array, b: Float64Array, m: Uint32Array, v: Float64Array, s: Float64Array) => refDelta(y, b, m, v, s, rows, C, site);
// rows: (b0,t0) (b0,t1) (b1,t0) (b1,t1)
const y0 = () => Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
// values: a first site's 4 (unused), then this site's row
const values = Float64Array.from([-1, -1, -1, -1, 0.5, 0.25, -2, 3]);
// sources: a first site's T·C (unused), then position 0's row and position 1's row
const sources = Float64Array.from([-9, -9, -9, -9, -9, -9, -9, -9, 100, 101, 102, 103, 200, 201, 202, 203]);
const modes = (a: number, b: number) => Uint32Array.from([MODE_SET, MODE_SET, a, b]);

describe('reference interventions', () => {
  it('heads: KEEP leaves a group alone, ZERO, SET and PATCH replace only their group', () => {
    let y = y0();
    interveneHeads(y, modes(MODE_KEEP, MODE_KEEP), values, sources);
    expect(Array.from(y)).toEqual(Array.from(y0()));

    y = y0();
    interveneHeads(y, modes(MODE_KEEP, MODE_ZERO), values, sources);
    expect(Array.from(y)).toEqual([1, 2, 0, 0, 5, 6, 0, 0, 9, 10, 0, 0, 13, 14, 0, 0]);

    y = y0();
    interveneHeads(y, modes(MODE_SET, MODE_KEEP), values, sources);
    expect(Array.from(y)).toEqual([0.5, 0.25, 3, 4, 0.5, 0.25, 7, 8, 0.5, 0.25, 11, 12, 0.5, 0.25, 15, 16]);

    y = y0();
    interveneHeads(y, modes(MODE_ZERO, MODE_PATCH), values, sources);
    // position t of both sequences gets the source's position t
    expect(Array.from(y)).toEqual([0, 0, 102, 103, 0, 0, 202, 203, 0, 0, 102, 103, 0, 0, 202, 203]);
  });

  it('delta: y = base + f(y − base), KEEP exactly y', () => {
    const base = Float64Array.from([0.7, 0.7, 0.7, 0.7, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3]);
    // (0.1 − 0.7) + 0.7 is not 0.1 in floating point: KEEP must not recompute it
    const start = () => Float64Array.from([0.1, 0.2, 0.3, 0.4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
    let y = start();
    interveneDelta(y, base, modes(MODE_KEEP, MODE_ZERO), values, sources);
    expect(Array.from(y)).toEqual(Array.from(start()));

    y = start();
    interveneDelta(y, base, modes(MODE_ZERO, MODE_KEEP), values, sources);
    expect(Array.from(y)).toEqual(Array.from(base));

    y = start();
    interveneDelta(y, base, modes(MODE_SET, MODE_KEEP), values, sources);
    expect(Array.from(y)).toEqual([1.2, 0.95, -1.3, 3.7, 1.5, 1.25, -1, 4, 2.5, 2.25, 0, 5, 3.5, 3.25, 1, 6]);

    y = start();
    interveneDelta(y, base, modes(MODE_PATCH, MODE_KEEP), values, sources);
    expect(Array.from(y)).toEqual([100.7, 101.7, 102.7, 103.7, 201, 202, 203, 204, 102, 103, 104, 105, 203, 204, 205, 206]);
  });

  it('rejects an unknown mode', () => {
    expect(() => interveneHeads(y0(), modes(7, MODE_KEEP), values, sources)).toThrow(/mode 7/);
  });
});
