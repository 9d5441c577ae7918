import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type GPTConfig } from '../../core/config';
import { paramLayout } from '../../core/params';
import { Rng } from '../../core/rng';
import { testSeed } from '../testing/seed';
import { QuantizeError, dequantizeParams, packedSize, quantizeParams } from './quantize';

const small: GPTConfig = { ...DEFAULT_CONFIG, nLayer: 2, nHead: 2, nEmbd: 12, blockSize: 9, vocabSize: 23 };
const variants: [string, GPTConfig][] = [
  ['pre-LN learned', small],
  ['post-LN sinusoidal', { ...small, norm: 'post', positions: 'sinusoidal' }],
  ['relu no-mask', { ...small, activation: 'relu', causal: false, nLayer: 1 }],
];

/**
 * Random parameters whose tensors span very different magnitudes (so one shared scale would
 * fail), with exact zeros sprinkled in, one all-zero tensor, and garbage in the padding.
 */
function randomParams(config: GPTConfig, rng: Rng): Float32Array {
  const layout = paramLayout(config);
  const p = new Float32Array(layout.totalElems);
  for (let i = 0; i < p.length; i++) p[i] = 1e6 + i; // padding garbage, overwritten below for tensors
  layout.entries.forEach((e, k) => {
    const mag = 10 ** rng.uniform(-6, 2);
    for (let j = 0; j < e.size; j++) {
      p[e.offset + j] = k === 1 || rng.random() < 0.05 ? 0 : rng.normal() * mag;
    }
  });
  return p;
}

describe('int8 per-tensor quantisation', () => {
  for (const [label, config] of variants) {
    it(`keeps every element within scale/2 and zero at zero (${label})`, () => {
      const seed = testSeed();
      const rng = new Rng(seed);
      const layout = paramLayout(config);
      const p = randomParams(config, rng);
      const qp = quantizeParams(config, p);
      expect(qp.scales.length, `seed ${seed}`).toBe(layout.entries.length);
      expect(qp.q.length, `seed ${seed}`).toBe(packedSize(layout));
      const back = dequantizeParams(config, qp);
      expect(back.length).toBe(layout.totalElems);
      layout.entries.forEach((e, k) => {
        const scale = qp.scales[k];
        let maxAbs = 0;
        for (let j = 0; j < e.size; j++) maxAbs = Math.max(maxAbs, Math.abs(p[e.offset + j]));
        // The scale is the one that maps the largest magnitude to 127 (up to float32 rounding).
        expect(Math.abs(scale * 127 - maxAbs), `${e.name} scale, seed ${seed}`).toBeLessThanOrEqual(maxAbs * 1e-6);
        // scale/2 from rounding, plus the float32 rounding of the dequantised value itself.
        const bound = scale / 2 + maxAbs * 2 ** -23;
        for (let j = 0; j < e.size; j++) {
          const x = p[e.offset + j];
          const y = back[e.offset + j];
          if (x === 0 && y !== 0) throw new Error(`${e.name}[${j}]: 0 became ${y} (seed ${seed})`);
          if (Math.abs(x - y) > bound) throw new Error(`${e.name}[${j}]: ${x} → ${y}, error above scale/2 = ${scale / 2} (seed ${seed})`);
        }
      });
      // Padding is zero after the round trip, whatever it held before.
      const inTensor = new Uint8Array(layout.totalElems);
      for (const e of layout.entries) inTensor.fill(1, e.offset, e.offset + e.size);
      for (let i = 0; i < back.length; i++) if (!inTensor[i] && back[i] !== 0) throw new Error(`padding [${i}] = ${back[i]} (seed ${seed})`);
    });
  }

  it('uses the whole int8 range: the largest magnitude maps to ±127 exactly', () => {
    const layout = paramLayout(small);
    const p = new Float32Array(layout.totalElems);
    const e = layout.entries[0];
    p[e.offset] = -3.5;
    p[e.offset + 1] = 0.7;
    const { scales, q } = quantizeParams(small, p);
    expect(scales[0]).toBe(Math.fround(3.5 / 127));
    expect(q[0]).toBe(-127);
    expect(q[1]).toBe(25); // 0.7 / (3.5/127) = 25.4
    expect(dequantizeParams(small, { scales, q })[e.offset]).toBeCloseTo(-3.5, 6);
  });

  it('all-zero tensors get scale 0 and come back as zeros', () => {
    const layout = paramLayout(small);
    const { scales, q } = quantizeParams(small, new Float32Array(layout.totalElems));
    expect(Array.from(scales).every((s) => s === 0)).toBe(true);
    expect(Array.from(q).every((v) => v === 0)).toBe(true);
    expect(Array.from(dequantizeParams(small, { scales, q })).every((v) => v === 0)).toBe(true);
  });

  it('round-trips the layout: quantising the dequantised buffer gives the same bytes', () => {
    const seed = testSeed();
    const p = randomParams(small, new Rng(seed));
    const a = quantizeParams(small, p);
    const b = quantizeParams(small, dequantizeParams(small, a));
    expect(b.scales, `seed ${seed}`).toEqual(a.scales);
    expect(b.q, `seed ${seed}`).toEqual(a.q);
  });

  it('rejects buffers and blobs that do not fit the layout, and non-finite values', () => {
    const layout = paramLayout(small);
    expect(() => quantizeParams(small, new Float32Array(layout.totalElems - 1))).toThrow(QuantizeError);
    const p = new Float32Array(layout.totalElems);
    p[layout.entries[3].offset + 2] = NaN;
    expect(() => quantizeParams(small, p)).toThrow(/transformer\.h\.0\.attn\.c_proj\.weight.*non-finite/);
    const ok = quantizeParams(small, new Float32Array(layout.totalElems));
    expect(() => dequantizeParams(small, { scales: ok.scales.subarray(1), q: ok.q })).toThrow(/scales/);
    expect(() => dequantizeParams(small, { scales: ok.scales, q: ok.q.subarray(1) })).toThrow(/parameters/);
    const bad = ok.scales.slice();
    bad[2] = -1;
    expect(() => dequantizeParams(small, { scales: bad, q: ok.q })).toThrow(/scale of/);
    // The same blob under another variant's layout does not fit.
    expect(() => dequantizeParams({ ...small, positions: 'sinusoidal' }, ok)).toThrow(QuantizeError);
  });
});
