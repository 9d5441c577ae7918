import { describe, expect, it } from 'vitest';
import {
  NOT_A_NUMBER_RGB,
  buildLut,
  contrastRatio,
  cssGradient,
  fillPixels,
  lutIndex,
  oklabToRgb,
  rgbToOklab,
  textOn,
  viridis,
  viridisLab,
  type Rgb,
} from './colormap';

describe('OKLab conversion', () => {
  it('maps white to L = 1 and black to L = 0 with no chroma', () => {
    const w = rgbToOklab([255, 255, 255]);
    expect(w[0]).toBeCloseTo(1, 4);
    expect(Math.abs(w[1]) + Math.abs(w[2])).toBeLessThan(1e-3);
    expect(rgbToOklab([0, 0, 0])[0]).toBeCloseTo(0, 6);
  });

  it('round-trips 8-bit colours exactly', () => {
    const colours: Rgb[] = [[0x44, 0x01, 0x54], [0x21, 0x90, 0x8d], [0xfd, 0xe7, 0x25], [12, 200, 77], [255, 0, 0]];
    for (const c of colours) expect(oklabToRgb(rgbToOklab(c))).toEqual(c);
  });
});

describe('viridis', () => {
  it('hits the published end colours', () => {
    expect(viridis(0)).toEqual([0x44, 0x01, 0x54]);
    expect(viridis(1)).toEqual([0xfd, 0xe7, 0x25]);
    expect(viridis(0.5)).toEqual([0x21, 0x90, 0x8d]);
  });

  it('clamps out-of-range weights and greys out non-numbers', () => {
    expect(viridis(-3)).toEqual(viridis(0));
    expect(viridis(7)).toEqual(viridis(1));
    expect(viridis(NaN)).toEqual(NOT_A_NUMBER_RGB);
    expect(viridis(Infinity)).toEqual(NOT_A_NUMBER_RGB);
  });

  it('has strictly increasing lightness from 0 to 1', () => {
    let prev = -1;
    for (let i = 0; i <= 1000; i++) {
      const L = viridisLab(i / 1000)[0];
      expect(L, `t = ${i / 1000}`).toBeGreaterThan(prev);
      prev = L;
    }
  });

  it('keeps lightness non-decreasing after rounding to the 8-bit lookup table', () => {
    const lut = buildLut(256);
    let prev = -1;
    for (let i = 0; i < 256; i++) {
      const L = rgbToOklab([lut[i * 4], lut[i * 4 + 1], lut[i * 4 + 2]])[0];
      expect(L, `entry ${i}`).toBeGreaterThanOrEqual(prev);
      prev = L;
    }
  });

  it('has nearly even lightness steps (perceptually uniform)', () => {
    const n = 65;
    const L = Array.from({ length: n }, (_, i) => rgbToOklab(viridis(i / (n - 1)))[0]);
    const steps = L.slice(1).map((l, i) => l - L[i]);
    const mean = (L[n - 1] - L[0]) / (n - 1);
    for (const s of steps) {
      expect(s).toBeGreaterThan(mean * 0.4);
      expect(s).toBeLessThan(mean * 1.8);
    }
  });
});

describe('lookup', () => {
  it('indexes the table by rounding the clamped weight', () => {
    expect(lutIndex(0)).toBe(0);
    expect(lutIndex(1)).toBe(255);
    expect(lutIndex(0.5)).toBe(128);
    expect(lutIndex(-0.1)).toBe(0);
    expect(lutIndex(NaN)).toBe(-1);
  });

  it('fills one opaque pixel per cell of the chosen block', () => {
    const data = new Float32Array([9, 9, 9, 9, 0, 1, 0.5, NaN]); // a 2×2 block at offset 4
    const out = new Uint8ClampedArray(16);
    const lut = buildLut();
    fillPixels(out, data, 4, 2, lut);
    expect(Array.from(out.slice(0, 4))).toEqual([...viridis(0), 255]);
    expect(Array.from(out.slice(4, 8))).toEqual([...viridis(1), 255]);
    expect(Array.from(out.slice(12, 16))).toEqual([...NOT_A_NUMBER_RGB, 255]);
  });
});

describe('text on tinted chips', () => {
  it('picks white on dark purple and black on yellow, always legible', () => {
    expect(textOn(viridis(0))).toEqual([255, 255, 255]);
    expect(textOn(viridis(1))).toEqual([0, 0, 0]);
    for (let t = 0; t <= 1; t += 0.05) {
      const bg = viridis(t);
      expect(contrastRatio(bg, textOn(bg))).toBeGreaterThanOrEqual(4.5);
    }
  });

  it('builds a left-to-right legend gradient from dark to bright', () => {
    const g = cssGradient(3);
    expect(g.startsWith('linear-gradient(to right, rgb(68 1 84) 0.00%')).toBe(true);
    expect(g.endsWith('rgb(253 231 37) 100.00%)')).toBe(true);
  });
});
