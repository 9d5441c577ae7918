import { describe, expect, it } from 'vitest';
import { HALF_EPS, roundHalf } from './half';

describe('roundHalf', () => {
  it('keeps values a half can hold', () => {
    for (const x of [0, -0, 1, -2, 0.5, 65504, -65504, 2 ** -14, 2 ** -24, 1 + 2 ** -10, 1024 + 1]) expect(roundHalf(x)).toBe(x);
  });
  it('rounds to the nearest half, ties to even', () => {
    expect(roundHalf(1 + 2 ** -11)).toBe(1); // tie between 1 (even) and 1 + 2⁻¹⁰
    expect(roundHalf(1 + 3 * 2 ** -11)).toBe(1 + 2 ** -9); // tie: 1 + 2⁻⁹ has the even mantissa
    expect(roundHalf(1 + 2 ** -11 + 2 ** -20)).toBe(1 + 2 ** -10); // past the tie
    expect(roundHalf(0.1)).toBe(0.0999755859375);
    expect(roundHalf(-0.1)).toBe(-0.0999755859375);
    expect(roundHalf(2049)).toBe(2048); // spacing 2 above 2048: tie to even
    expect(roundHalf(2 ** -25)).toBe(0); // half the smallest subnormal: tie to 0
    expect(roundHalf(3 * 2 ** -25)).toBe(2 ** -23);
  });
  it('overflows to infinity past the largest half', () => {
    expect(roundHalf(65519)).toBe(65504);
    expect(roundHalf(65520)).toBe(Infinity);
    expect(roundHalf(-1e6)).toBe(-Infinity);
    expect(roundHalf(NaN)).toBeNaN();
  });
  it('stays within the unit roundoff over the normal range', () => {
    for (let i = 0; i < 2000; i++) {
      const x = (i % 2 ? -1 : 1) * Math.exp(-9 + (i / 2000) * 20); // 1.2e-4 … 2.7e4
      expect(Math.abs(roundHalf(x) - x)).toBeLessThanOrEqual(HALF_EPS * Math.abs(x));
    }
  });
});
