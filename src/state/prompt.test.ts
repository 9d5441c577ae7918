import { describe, expect, it } from 'vitest';
import { OPENING_PROMPT_CHARS, openingPrompt } from './slices/data';

describe('openingPrompt', () => {
  it('is the first few characters of the first non-empty line', () => {
    expect(openingPrompt('First Citizen:\nBefore we proceed')).toBe('First Citize');
    expect(openingPrompt('\n\n  hi\nthere')).toBe('  hi');
    expect(openingPrompt('short')).toBe('short');
    expect(openingPrompt('a\r\nb')).toBe('a');
    expect(openingPrompt('')).toBe('');
    expect(openingPrompt('\n\n')).toBe('');
  });

  it('never splits a surrogate pair', () => {
    const text = '🚀'.repeat(20);
    expect(openingPrompt(text)).toBe('🚀'.repeat(OPENING_PROMPT_CHARS));
  });
});
