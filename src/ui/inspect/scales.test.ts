import { describe, expect, it } from 'vitest';
import { bitsGradient, bitsTint, divergingTint, MAX_BITS, probCellTint, restoredFraction } from './scales';

const alphaOf = (css: string) => Number(/\/ ([\d.]+)\)$/.exec(css)?.[1]);
const hueOf = (css: string) => Number(/^hsl\((\d+)/.exec(css)?.[1]);

describe('bitsTint', () => {
  it('is clear at 0 bits and grows with surprise, reaching its strongest at MAX_BITS', () => {
    expect(alphaOf(bitsTint(0)!)).toBe(0);
    const alphas = [0.5, 1, 2, 4, 8].map((b) => alphaOf(bitsTint(b)!));
    for (let i = 1; i < alphas.length; i++) expect(alphas[i]).toBeGreaterThan(alphas[i - 1]);
    expect(bitsTint(MAX_BITS)).toBe(bitsTint(20));
    expect(hueOf(bitsTint(MAX_BITS)!)).toBe(0); // red
  });
  it('gives a token nothing predicted no tint, and an infinite surprise the strongest', () => {
    expect(bitsTint(NaN)).toBeNull();
    expect(bitsTint(Infinity)).toBe(bitsTint(MAX_BITS));
  });
  it('builds the legend from the same scale, 0 to MAX_BITS', () => {
    const g = bitsGradient(4);
    expect(g.startsWith('linear-gradient(to right, ')).toBe(true);
    expect(g).toContain(`${bitsTint(0)} 0.0%`);
    expect(g).toContain(`${bitsTint(MAX_BITS)} 100.0%`);
  });
});

describe('probCellTint', () => {
  it('mixes more accent in for a likelier token, capped, and treats junk as 0', () => {
    expect(probCellTint(0)).toBe('color-mix(in srgb, var(--accent) 0%, transparent)');
    expect(probCellTint(1)).toBe('color-mix(in srgb, var(--accent) 45%, transparent)');
    expect(probCellTint(0.5)).toBe('color-mix(in srgb, var(--accent) 23%, transparent)');
    expect(probCellTint(NaN)).toBe(probCellTint(0));
    expect(probCellTint(3)).toBe(probCellTint(1));
  });
});

describe('restoredFraction and divergingTint', () => {
  it('places p between the corrupt (0) and the clean (1) probability, clamped', () => {
    expect(restoredFraction(0.1, 0.1, 0.9)).toBe(0);
    expect(restoredFraction(0.9, 0.1, 0.9)).toBe(1);
    expect(restoredFraction(0.5, 0.1, 0.9)).toBeCloseTo(0.5);
    expect(restoredFraction(0.95, 0.1, 0.9)).toBe(1);
    expect(restoredFraction(0.0, 0.1, 0.9)).toBe(0);
    // The clean run may be the less likely one: the scale turns round with it.
    expect(restoredFraction(0.2, 0.8, 0.2)).toBe(1);
  });
  it('is neutral when the runs agree or p is not a number', () => {
    expect(restoredFraction(0.3, 0.5, 0.5)).toBe(0.5);
    expect(restoredFraction(NaN, 0.1, 0.9)).toBe(0.5);
  });
  it('is clear in the middle and strongest, in two different hues, at the ends', () => {
    expect(alphaOf(divergingTint(0.5))).toBe(0);
    expect(alphaOf(divergingTint(0))).toBeCloseTo(0.75);
    expect(alphaOf(divergingTint(1))).toBeCloseTo(0.75);
    expect(hueOf(divergingTint(0))).not.toBe(hueOf(divergingTint(1)));
    expect(alphaOf(divergingTint(0.25))).toBeCloseTo(0.375);
  });
});
