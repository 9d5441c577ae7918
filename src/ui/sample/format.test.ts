import { describe, expect, it } from 'vitest';
import {
  buildErrorMessage,
  formatTemperature,
  temperatureValueText,
  countKept,
  formatProb,
  formatProbShort,
  formatTopK,
  formatTopP,
  probTint,
  probTintGradient,
  safeLabel,
  tokenTitle,
  topCandidates,
} from './format';

describe('probability text', () => {
  it('writes bars with one decimal and never a misleading 0.0%', () => {
    expect(formatProb(0.4213)).toBe('42.1%');
    expect(formatProb(1)).toBe('100.0%');
    expect(formatProb(0.0004)).toBe('<0.1%');
    expect(formatProb(0)).toBe('0%');
    expect(formatProb(Number.NaN)).toBe('0%');
  });

  it('writes tooltips short', () => {
    expect(formatProbShort(0.42)).toBe('42%');
    expect(formatProbShort(0.999)).toBe('100%');
    expect(formatProbShort(0.004)).toBe('0.4%');
    expect(formatProbShort(0.00001)).toBe('<0.1%');
    expect(tokenTitle('e', 0.42)).toBe('“e” 42%');
    expect(tokenTitle('␣', 0.031)).toBe('“␣” 3%');
  });

  it('shows slider values', () => {
    expect(formatTopK(0)).toBe('off');
    expect(formatTopK(40)).toBe('40');
    expect(formatTopP(1)).toBe('1.00 (off)');
    expect(formatTopP(0.9)).toBe('0.90');
  });
});

describe('probTint', () => {
  const alpha = (css: string) => Number(/\/ ([\d.]+)\)$/.exec(css)![1]);
  const hue = (css: string) => Number(/^hsl\((\d+)/.exec(css)![1]);

  it('is strong and red for unlikely tokens, transparent green for certain ones', () => {
    expect(hue(probTint(0))).toBe(0);
    expect(alpha(probTint(0))).toBeGreaterThan(0.4);
    expect(hue(probTint(1))).toBeGreaterThan(90);
    expect(alpha(probTint(1))).toBe(0);
  });

  it('fades monotonically and clamps out-of-range input', () => {
    let last = Infinity;
    for (let p = 0; p <= 1; p += 0.1) {
      const a = alpha(probTint(p));
      expect(a).toBeLessThanOrEqual(last);
      last = a;
    }
    expect(probTint(-1)).toBe(probTint(0));
    expect(probTint(2)).toBe(probTint(1));
    expect(probTint(Number.NaN)).toBe(probTint(0));
  });

  it('builds a legend gradient from the same map', () => {
    const g = probTintGradient(2);
    expect(g).toContain(`${probTint(0)} 0%`);
    expect(g).toContain(`${probTint(0.5)} 50%`);
    expect(g).toContain(`${probTint(1)} 100%`);
  });
});

describe('topCandidates', () => {
  it('returns the n most likely tokens, most likely first', () => {
    const probs = [0.1, 0.4, 0.05, 0.3, 0.15];
    expect(topCandidates(probs, 3)).toEqual([
      { id: 1, p: 0.4 },
      { id: 3, p: 0.3 },
      { id: 4, p: 0.15 },
    ]);
  });

  it('skips tokens cut to zero and returns fewer when fewer remain', () => {
    expect(topCandidates([0, 0.7, 0, 0.3], 10).map((c) => c.id)).toEqual([1, 3]);
    expect(countKept([0, 0.7, 0, 0.3])).toBe(2);
  });

  it('breaks ties by id, whatever the order they are met in', () => {
    const probs = new Float64Array(20).fill(0.05);
    expect(topCandidates(probs, 4).map((c) => c.id)).toEqual([0, 1, 2, 3]);
    const mixed = [0.2, 0.1, 0.2, 0.1, 0.2, 0.2];
    expect(topCandidates(mixed, 3).map((c) => c.id)).toEqual([0, 2, 4]);
  });

  it('matches a full sort on random input', () => {
    let seed = 1;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const probs = Array.from({ length: 500 }, () => (rand() < 0.3 ? 0 : rand()));
    const expected = probs
      .map((p, id) => ({ id, p }))
      .filter((c) => c.p > 0)
      .sort((a, b) => b.p - a.p || a.id - b.id)
      .slice(0, 10);
    expect(topCandidates(probs, 10)).toEqual(expected);
  });

  it('returns nothing for n = 0', () => {
    expect(topCandidates([1], 0)).toEqual([]);
  });
});

describe('temperature text', () => {
  it('shows two decimals, and announces temperature 0 as greedy', () => {
    expect(formatTemperature(0)).toBe('0.00');
    expect(formatTemperature(0.8)).toBe('0.80');
    expect(formatTemperature(-1)).toBe('-1.00');
    expect(temperatureValueText(0)).toBe('0 (greedy)');
    expect(temperatureValueText(0.8)).toBe('0.80');
  });
});

describe('safeLabel', () => {
  it('uses the tokenizer, or the id when there is none or it throws', () => {
    expect(safeLabel((id) => `t${id}`, 3)).toBe('t3');
    expect(safeLabel(null, 3)).toBe('#3');
    expect(
      safeLabel(() => {
        throw new RangeError('out of range');
      }, 9),
    ).toBe('#9');
  });
});

describe('buildErrorMessage', () => {
  it('quotes the reason once, without doubled full stops', () => {
    expect(buildErrorMessage('The text is empty: paste some text.')).toBe(
      'The model could not be built: The text is empty: paste some text. Check the Data and Model panels.',
    );
    expect(buildErrorMessage(null)).toBe('The model could not be built. Check the Data and Model panels.');
    expect(buildErrorMessage('  ')).toBe('The model could not be built. Check the Data and Model panels.');
  });
});
