import { describe, expect, it } from 'vitest';
import { notANumberMessage, typedNumber } from './number-input';

describe('typedNumber', () => {
  it('reads numbers, including exponents and negatives', () => {
    expect(typedNumber('64', false)).toBe(64);
    expect(typedNumber('0', false)).toBe(0);
    expect(typedNumber('-0.5', false)).toBe(-0.5);
    expect(typedNumber('1e3', false)).toBe(1000);
  });

  it('is null for a cleared field or text the browser could not read', () => {
    expect(typedNumber('', false)).toBeNull();
    expect(typedNumber('   ', false)).toBeNull();
    expect(typedNumber('', true)).toBeNull(); // "1e" or "-" in an input of type number
    expect(typedNumber('abc', false)).toBeNull();
    expect(typedNumber('Infinity', false)).toBeNull();
  });
});

describe('notANumberMessage', () => {
  it('names the range and the value still in force', () => {
    expect(notANumberMessage(2, 2048, 64)).toBe('Enter a number from 2 to 2,048; still using 64.');
    expect(notANumberMessage(0, undefined, 100)).toBe('Enter a number (0 or more); still using 100.');
    expect(notANumberMessage(undefined, 10, 3)).toBe('Enter a number (at most 10); still using 3.');
    expect(notANumberMessage(undefined, undefined, 1e-3)).toBe('Enter a number; still using 0.001.');
    expect(notANumberMessage(0, undefined, 3e-4)).toBe('Enter a number (0 or more); still using 0.0003.');
  });

  it('does not claim a value is in force when there is none', () => {
    expect(notANumberMessage(1, 5, Number.NaN)).toBe('Enter a number from 1 to 5.');
  });
});
