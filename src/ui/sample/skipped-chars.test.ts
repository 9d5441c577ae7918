import { describe, expect, it } from 'vitest';
import { TOKENIZER_FORMAT, TOKENIZER_VERSION, type TokenizerJSON } from '../../core/tokenizer-json';
import { CharTokenizer } from '../../engine/tokenize';
import { codePointsOf, promptPieces, showChar, skippedChars, skippedCharsMessage, vocabularyOf } from './skipped-chars';

const charTokenizer = (text: string): TokenizerJSON => {
  const codePoints = [...codePointsOf(text)].sort((a, b) => a - b);
  return { format: TOKENIZER_FORMAT, version: TOKENIZER_VERSION, kind: 'char', vocabSize: codePoints.length, codePoints };
};

describe('skippedChars', () => {
  const vocab = vocabularyOf(charTokenizer('hello world\n'))!;

  it('lists distinct characters outside the vocabulary, in order of first appearance', () => {
    expect(skippedChars('hello wörld é 🚀 Ω é ö', vocab)).toEqual(['ö', 'é', '🚀', 'Ω']);
    expect(skippedChars('hello', vocab)).toEqual([]);
    expect(skippedChars('', vocab)).toEqual([]);
  });

  it('reads code points as the tokenizer does: an emoji is one, a lone surrogate stands for itself', () => {
    expect(skippedChars('👋🏽', vocab)).toEqual(['👋', '🏽']);
    const withEmoji = vocabularyOf(charTokenizer('ab🚀'))!;
    expect(skippedChars('a🚀b', withEmoji)).toEqual([]);
    expect(skippedChars('a\uD83D', withEmoji)).toEqual(['\uD83D']);
    const withLone = vocabularyOf(charTokenizer('a\uDC00'))!;
    expect(skippedChars('\uDC00a', withLone)).toEqual([]);
  });

  it('agrees with what the worker encoder skips, from its own tokenizer JSON', () => {
    const corpus = 'To be, or not to be: that is the question.\n👋 a\uD800 b';
    const tok = CharTokenizer.fromCorpus(corpus);
    expect(vocabularyOf(tok.toJSON())).toEqual(codePointsOf(corpus));
    const prompt = 'Tö be 🚀, ör \uD800nöt\tΩ 👋';
    const skipped = skippedChars(prompt, vocabularyOf(tok.toJSON())!);
    expect(skipped).toEqual(['ö', '🚀', '\t', 'Ω']);
    const kept = [...prompt].filter((ch) => !skipped.includes(ch)).join('');
    expect(tok.decode(tok.encode(prompt, { unknown: 'skip' }))).toBe(kept);
  });

  it('has no vocabulary to check against for BPE, which encodes any text', () => {
    expect(vocabularyOf({ format: TOKENIZER_FORMAT, version: TOKENIZER_VERSION, kind: 'bpe', vocabSize: 256, split: 'gpt2', merges: [] })).toBeNull();
  });
});

describe('skippedCharsMessage', () => {
  it('lists a few, then how many more', () => {
    expect(skippedCharsMessage('é 🚀 Ω', ['é', '🚀', 'Ω'])).toBe('Not in the vocabulary, skipped: é 🚀 Ω.');
    expect(skippedCharsMessage('abcdefgh', [...'abcdefgh'], 3)).toMatch(/^Not in the vocabulary, skipped: a b c and 5 more\./);
    expect(skippedCharsMessage('hello', [])).toBeNull();
  });

  it('says when nothing of the prompt is left', () => {
    expect(skippedCharsMessage('éé', ['é'])).toMatch(/Nothing of the prompt is left, so generation starts from the first token of the text\.$/);
    expect(skippedCharsMessage('aé', ['é'])).not.toMatch(/Nothing/);
  });

  it('shows invisible characters by a symbol or their code', () => {
    expect(showChar('\t')).toBe('⇥');
    expect(showChar(' ')).toBe('␣');
    expect(showChar('\u200B')).toBe('U+200B');
    expect(showChar('\u0007')).toBe('U+0007');
    expect(showChar('\uD800')).toBe('U+D800');
    expect(showChar('\u0301')).toBe('◌\u0301');
    expect(showChar('Ω')).toBe('Ω');
  });
});

describe('promptPieces', () => {
  it('cuts the prompt into runs seen and skipped, which join back to it', () => {
    const vocab = codePointsOf('hello world');
    const prompt = 'hé🚀llo wΩrld!';
    const pieces = promptPieces(prompt, vocab);
    expect(pieces).toEqual([
      { text: 'h', skipped: false },
      { text: 'é🚀', skipped: true },
      { text: 'llo w', skipped: false },
      { text: 'Ω', skipped: true },
      { text: 'rld', skipped: false },
      { text: '!', skipped: true },
    ]);
    expect(pieces.map((p) => p.text).join('')).toBe(prompt);
  });

  it('is one seen run without a vocabulary (BPE), and nothing for an empty prompt', () => {
    expect(promptPieces('añ🚀', null)).toEqual([{ text: 'añ🚀', skipped: false }]);
    expect(promptPieces('', codePointsOf('a'))).toEqual([]);
  });
});
