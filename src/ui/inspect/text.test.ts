import { describe, expect, it } from 'vitest';
import { measuredOn, ordinal, predictionsText, tokenText, typedToken } from './text';

describe('tokenText', () => {
  it('writes spaces as spaces and breaks the line after a newline, keeping its symbol', () => {
    expect(tokenText('␣the')).toEqual({ text: ' the', breaks: false });
    expect(tokenText('↵')).toEqual({ text: '↵', breaks: true });
    expect(tokenText('a')).toEqual({ text: 'a', breaks: false });
  });
});

describe('typedToken', () => {
  it('reads the symbols of a space and a newline as those characters', () => {
    expect(typedToken('↵')).toBe('\n');
    expect(typedToken('␣the')).toBe(' the');
    expect(typedToken('*')).toBe('*');
  });
});

describe('notes', () => {
  it('lists predictions with short percentages', () => {
    expect(predictionsText([{ label: 'a', p: 0.421 }, { label: '␣', p: 0.0004 }])).toBe('“a” 42%, “␣” <0.1%');
  });
  it('says what a result was measured on', () => {
    expect(measuredOn(1500, [])).toBe('at step 1,500');
    expect(measuredOn(2, ['L1 H3', 'L2 MLP'])).toBe('at step 2, with L1 H3, L2 MLP off');
    expect(measuredOn(null, [])).toBe('');
  });
  it('writes ranks as ordinals', () => {
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111].map(ordinal)).toEqual(['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd', '101st', '111th']);
  });
});
