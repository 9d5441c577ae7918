// Character-level tokenizer: one token per distinct code point of the corpus, as in nanoGPT's
// shakespeare_char. "Character" means code point, not UTF-16 unit (an emoji is one token) and
// not grapheme (a combining mark or a ZWJ is its own token, so the vocabulary stays small and
// every string of corpus characters can be written). A lone surrogate left by a broken paste
// is a symbol of its own, numbered by its code unit, so the corpus still round-trips exactly.

import { MAX_VOCAB_SIZE, TOKENIZER_FORMAT, TOKENIZER_VERSION, asRecord, checkHeader, checkVocabSize, describe, fail, isIntIn } from '../../core/tokenizer-json';
import { stringLabel, symbolLabel } from './labels';
import type { CharTokenizerJSON, EncodeOptions, StreamDecoder, Tokenizer } from './types';

/** Thrown by CharTokenizer.encode for a character the corpus did not contain. */
export class UnknownCharacterError extends Error {
  /** The character (a code point, or a lone surrogate). */
  readonly char: string;
  readonly codePoint: number;
  /** Position in the text as a UTF-16 index (what String.prototype.slice and textareas use). */
  readonly index: number;

  constructor(char: string, index: number) {
    const cp = char.codePointAt(0) ?? 0;
    const u = cp.toString(16).toUpperCase().padStart(4, '0');
    super(`Character '${stringLabel(char)}' (U+${u}) at position ${index} is not in the tokenizer's vocabulary`);
    this.name = 'UnknownCharacterError';
    this.char = char;
    this.codePoint = cp;
    this.index = index;
  }
}

function isHigh(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

function isLow(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

function pairCodePoint(hi: number, lo: number): number {
  return 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00);
}

export class CharTokenizer implements Tokenizer {
  readonly kind = 'char' as const;
  readonly vocabSize: number;
  /** Token id → code point (or lone surrogate code unit), ascending. */
  private readonly codePoints: Uint32Array;
  /** Token id → its text. */
  private readonly symbols: string[];
  /** BMP code unit (lone surrogates included) → id, or -1: a flat table keeps encode fast. */
  private readonly bmpIds: Int32Array;
  private readonly astralIds: Map<number, number>;

  /** Use fromCorpus or fromJSON; the code points must be distinct and ascending. */
  private constructor(codePoints: ArrayLike<number>) {
    this.codePoints = Uint32Array.from(codePoints);
    this.vocabSize = this.codePoints.length;
    this.symbols = Array.from(this.codePoints, (cp) => String.fromCharCode(...codeUnits(cp)));
    this.bmpIds = new Int32Array(0x10000).fill(-1);
    this.astralIds = new Map();
    this.codePoints.forEach((cp, id) => {
      if (cp < 0x10000) this.bmpIds[cp] = id;
      else this.astralIds.set(cp, id);
    });
  }

  /** The vocabulary is the sorted set of distinct code points in `text` (must be non-empty). */
  static fromCorpus(text: string): CharTokenizer {
    if (text.length === 0) throw new Error('Cannot build a character tokenizer from an empty text');
    // A flag table for the BMP (fast on a 50 MB paste), a set for the rarer astral symbols.
    const seenBmp = new Uint8Array(0x10000);
    const astral = new Set<number>();
    const n = text.length;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (isHigh(c) && i + 1 < n && isLow(text.charCodeAt(i + 1))) {
        astral.add(pairCodePoint(c, text.charCodeAt(i + 1)));
        i++;
      } else {
        seenBmp[c] = 1;
      }
    }
    const cps: number[] = [];
    for (let cp = 0; cp < 0x10000; cp++) if (seenBmp[cp]) cps.push(cp);
    for (const cp of Array.from(astral).sort((x, y) => x - y)) cps.push(cp);
    return new CharTokenizer(cps);
  }

  /** Validates a parsed CharTokenizerJSON (throws InvalidTokenizerError). */
  static fromJSON(json: unknown): CharTokenizer {
    const obj = asRecord(json, 'the tokenizer');
    if (checkHeader(obj) !== 'char') fail(`"kind" must be "char" for a character tokenizer, got ${describe(obj.kind)}`);
    const cps = obj.codePoints;
    if (!Array.isArray(cps)) fail(`"codePoints" must be an array, got ${describe(cps)}`);
    if (cps.length === 0) fail('"codePoints" is empty: a tokenizer needs at least one symbol');
    if (cps.length > MAX_VOCAB_SIZE) fail(`"codePoints" has ${cps.length} entries, more than the limit ${MAX_VOCAB_SIZE}`);
    for (let i = 0; i < cps.length; i++) {
      if (!isIntIn(cps[i], 0, 0x10ffff)) fail(`codePoints[${i}] must be an integer code point in 0..0x10FFFF, got ${describe(cps[i])}`);
      if (i > 0 && cps[i] <= cps[i - 1]) fail(`codePoints must be strictly increasing, but codePoints[${i}] = ${cps[i]} follows ${cps[i - 1]}`);
    }
    checkVocabSize(obj, cps.length);
    return new CharTokenizer(cps as number[]);
  }

  /** The text of token `id`. */
  symbol(id: number): string {
    this.checkId(id);
    return this.symbols[id];
  }

  /**
   * Token ids of `text`. A character outside the vocabulary throws UnknownCharacterError with
   * its position, or is dropped with { unknown: 'skip' }. A surrogate pair whose code point is
   * unknown but whose two halves are both (lone-surrogate) symbols is written as the two
   * halves, so that any concatenation of vocabulary symbols encodes and round-trips.
   */
  encode(text: string, options: EncodeOptions = {}): Uint32Array {
    const skip = options.unknown === 'skip';
    const n = text.length;
    const out = new Uint32Array(n);
    let k = 0;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (isHigh(c) && i + 1 < n) {
        const d = text.charCodeAt(i + 1);
        if (isLow(d)) {
          const id = this.astralIds.get(pairCodePoint(c, d));
          if (id !== undefined) {
            out[k++] = id;
          } else if (this.bmpIds[c] >= 0 && this.bmpIds[d] >= 0) {
            out[k++] = this.bmpIds[c];
            out[k++] = this.bmpIds[d];
          } else if (!skip) {
            throw new UnknownCharacterError(text.slice(i, i + 2), i);
          }
          i++;
          continue;
        }
      }
      const id = this.bmpIds[c];
      if (id >= 0) out[k++] = id;
      else if (!skip) throw new UnknownCharacterError(text[i], i);
    }
    return k === n ? out : out.slice(0, k);
  }

  decode(ids: ArrayLike<number>): string {
    const parts = new Array<string>(ids.length);
    for (let i = 0; i < ids.length; i++) {
      this.checkId(ids[i]);
      parts[i] = this.symbols[ids[i]];
    }
    return parts.join('');
  }

  tokenLabel(id: number): string {
    this.checkId(id);
    return symbolLabel(this.codePoints[id]);
  }

  /** Every token is a whole symbol, so streaming needs no buffering. */
  streamDecoder(): StreamDecoder {
    return {
      push: (id: number) => this.symbol(id),
      flush: () => '',
    };
  }

  toJSON(): CharTokenizerJSON {
    return {
      format: TOKENIZER_FORMAT,
      version: TOKENIZER_VERSION,
      kind: 'char',
      vocabSize: this.vocabSize,
      codePoints: Array.from(this.codePoints),
    };
  }

  private checkId(id: number): void {
    if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize) {
      throw new RangeError(`Token id ${id} is outside the vocabulary (size ${this.vocabSize})`);
    }
  }
}

/** UTF-16 code units of a code point; a lone surrogate stays one unit. */
function codeUnits(cp: number): number[] {
  if (cp < 0x10000) return [cp];
  return [0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) & 0x3ff)];
}
