import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng';
import { trainBpe } from './bpe';
import { CharTokenizer } from './char';
import { randomString, trickyCorpus } from './testing';
import { tokenizerFromJSON } from './from-json';
import { InvalidTokenizerError, type Tokenizer } from './types';

/** Through JSON text, as a share link or a file would carry it. */
const viaText = (tok: Tokenizer): unknown => JSON.parse(JSON.stringify(tok));

const corpus = trickyCorpus() + randomString(new Rng(3), 2000);
const char = CharTokenizer.fromCorpus(corpus);
const bpe = trainBpe(corpus, 400);

describe('tokenizer JSON', () => {
  it.each([
    ['char', char],
    ['bpe', bpe],
  ] as const)('round-trips a %s tokenizer (lone surrogates in the vocabulary included)', (_kind, tok) => {
    const back = tokenizerFromJSON(viaText(tok));
    expect(back.kind).toBe(tok.kind);
    expect(back.vocabSize).toBe(tok.vocabSize);
    expect(back.toJSON()).toEqual(tok.toJSON());
    expect(Array.from(back.encode(corpus))).toEqual(Array.from(tok.encode(corpus)));
    expect(back.decode(tok.encode(corpus))).toBe(corpus);
    for (let id = 0; id < tok.vocabSize; id++) expect(back.tokenLabel(id)).toBe(tok.tokenLabel(id));
  });

  it('writes the documented shape', () => {
    const json = CharTokenizer.fromCorpus('ba\n').toJSON();
    expect(json).toEqual({ format: 'gpt-playground/tokenizer', version: 1, kind: 'char', vocabSize: 3, codePoints: [10, 97, 98] });
    const b = trainBpe('aaabdaaabac', 300).toJSON();
    expect(b).toMatchObject({ kind: 'bpe', vocabSize: 259, split: 'gpt2-like-v1', merges: [[97, 97], [97, 98], [256, 257]] });
  });

  const charJson = () => viaText(CharTokenizer.fromCorpus('abc')) as Record<string, unknown>;
  const bpeJson = () => viaText(trainBpe('aaabdaaabac', 300)) as Record<string, unknown>;

  const tampered: [string, () => unknown, RegExp][] = [
    ['null', () => null, /must be an object, got null/],
    ['a JSON string not parsed', () => JSON.stringify(char), /JSON.parse/],
    ['an array', () => [1, 2], /got an array/],
    ['another format', () => ({ ...charJson(), format: 'something-else' }), /"format"/],
    ['a newer version', () => ({ ...charJson(), version: 2 }), /"version" must be 1/],
    ['an unknown kind', () => ({ ...charJson(), kind: 'word' }), /"kind"/],
    ['char: no codePoints', () => ({ ...charJson(), codePoints: undefined }), /"codePoints" must be an array/],
    ['char: empty codePoints', () => ({ ...charJson(), codePoints: [], vocabSize: 0 }), /empty/],
    ['char: unsorted', () => ({ ...charJson(), codePoints: [98, 97, 99] }), /strictly increasing/],
    ['char: duplicate', () => ({ ...charJson(), codePoints: [97, 97, 99] }), /strictly increasing/],
    ['char: fractional', () => ({ ...charJson(), codePoints: [97, 97.5, 99] }), /codePoints\[1\]/],
    ['char: negative', () => ({ ...charJson(), codePoints: [-1, 97, 99] }), /codePoints\[0\]/],
    ['char: beyond U+10FFFF', () => ({ ...charJson(), codePoints: [97, 98, 0x110000] }), /codePoints\[2\]/],
    ['char: a string entry', () => ({ ...charJson(), codePoints: [97, 'b', 99] }), /codePoints\[1\].*string/],
    ['char: vocabSize disagrees', () => ({ ...charJson(), vocabSize: 4 }), /"vocabSize" is the number 4 but the table defines 3/],
    ['char: vocabSize missing', () => ({ ...charJson(), vocabSize: undefined }), /"vocabSize"/],
    ['bpe: no merges', () => ({ ...bpeJson(), merges: 'none' }), /"merges" must be an array/],
    ['bpe: merge of a later token', () => ({ ...bpeJson(), merges: [[97, 97], [97, 258], [256, 257]] }), /merges\[1\]\[1\] must be a token id from 0 to 256/],
    ['bpe: merge of itself', () => ({ ...bpeJson(), merges: [[256, 97], [97, 98], [256, 257]] }), /merges\[0\]\[0\]/],
    ['bpe: negative id', () => ({ ...bpeJson(), merges: [[-1, 97], [97, 98], [256, 257]] }), /merges\[0\]\[0\]/],
    ['bpe: not a pair', () => ({ ...bpeJson(), merges: [[97, 97, 97], [97, 98], [256, 257]] }), /merges\[0\] must be a pair/],
    ['bpe: null merge', () => ({ ...bpeJson(), merges: [null, [97, 98], [256, 257]] }), /merges\[0\] must be a pair/],
    ['bpe: repeated pair', () => ({ ...bpeJson(), merges: [[97, 97], [97, 97], [256, 257]] }), /repeats the pair of merges\[0\]/],
    ['bpe: other split pattern', () => ({ ...bpeJson(), split: 'gpt4' }), /"split"/],
    ['bpe: vocabSize disagrees (truncated merges)', () => ({ ...bpeJson(), merges: [[97, 97]] }), /"vocabSize"/],
  ];

  it.each(tampered)('rejects %s with a clear InvalidTokenizerError', (_name, make, message) => {
    let error: unknown;
    try {
      tokenizerFromJSON(make());
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidTokenizerError);
    expect((error as Error).message).toMatch(/^Invalid tokenizer JSON: /);
    expect((error as Error).message).toMatch(message);
  });

  it('rejects the JSON of one kind given to the other kind', () => {
    expect(() => CharTokenizer.fromJSON(bpeJson())).toThrow(InvalidTokenizerError);
  });
});
