// Byte-level BPE tokenizer (GPT-2 / minbpe style): token ids 0..255 are the bytes of the
// text's WTF-8 encoding, and each learned merge (left, right) adds one token whose bytes are
// the two concatenated. Any JS string encodes, and decodes back exactly. Training lives in
// bpe-train.ts, chunk encoding in bpe-apply.ts, pre-splitting in pretokenize.ts.

import { BYTE_TOKENS, applyMerges, pairKey } from './bpe-apply';
import { learnMerges, type TrainBpeOptions } from './bpe-train';
import {
  MAX_VOCAB_SIZE,
  TOKENIZER_FORMAT,
  TOKENIZER_VERSION,
  asRecord,
  checkHeader,
  checkVocabSize,
  describe,
  fail,
  isIntIn,
} from '../../core/tokenizer-json';
import { bytesLabel } from './labels';
import { SPLIT_PATTERN_ID, forEachChunk } from './pretokenize';
import type { BpeTokenizerJSON, EncodeOptions, StreamDecoder, Tokenizer } from './types';
import { Wtf8Decoder, decodeWtf8, encodeWtf8 } from './wtf8';

export type { TrainBpeOptions } from './bpe-train';

/** Chunks longer than this are not cached: they rarely repeat and would hold memory. */
const CACHE_MAX_CHUNK = 256;
/** The cache is emptied when it reaches this many chunks (bounded memory on a huge file). */
const CACHE_MAX_ENTRIES = 1 << 17;

/**
 * Trains a byte-level BPE on `text` (see learnMerges): vocabSize must be an integer in
 * [256, 65536] (RangeError otherwise). If the corpus runs out of repeated pairs first,
 * training stops early and the tokenizer's vocabSize is smaller than requested.
 */
export function trainBpe(text: string, vocabSize: number, options: TrainBpeOptions = {}): BpeTokenizer {
  return new BpeTokenizer(learnMerges(text, vocabSize, options));
}

export class BpeTokenizer implements Tokenizer {
  readonly kind = 'bpe' as const;
  readonly vocabSize: number;
  private readonly mergePairs: [number, number][];
  private readonly ranks: Map<number, number>;
  /** Token id → its bytes. */
  private readonly bytes: Uint8Array[];
  private readonly cache = new Map<string, Uint32Array>();

  /**
   * From a list of merges: merges[i] = [left, right] creates token 256 + i. Throws
   * InvalidTokenizerError if a merge refers to a later token or repeats an earlier pair.
   */
  constructor(merges: ReadonlyArray<readonly [number, number]>) {
    if (merges.length > MAX_VOCAB_SIZE - BYTE_TOKENS) {
      fail(`${merges.length} merges is more than the limit of ${MAX_VOCAB_SIZE - BYTE_TOKENS}`);
    }
    this.vocabSize = BYTE_TOKENS + merges.length;
    this.mergePairs = [];
    this.ranks = new Map();
    this.bytes = [];
    for (let b = 0; b < BYTE_TOKENS; b++) this.bytes.push(Uint8Array.of(b));
    merges.forEach((pair, i) => {
      if (!Array.isArray(pair) || pair.length !== 2) fail(`merges[${i}] must be a pair [left, right], got ${describe(pair)}`);
      const [a, b] = pair;
      const limit = BYTE_TOKENS + i - 1;
      if (!isIntIn(a, 0, limit)) fail(`merges[${i}][0] must be a token id from 0 to ${limit}, got ${describe(a)}`);
      if (!isIntIn(b, 0, limit)) fail(`merges[${i}][1] must be a token id from 0 to ${limit}, got ${describe(b)}`);
      const key = pairKey(a, b);
      const earlier = this.ranks.get(key);
      if (earlier !== undefined) fail(`merges[${i}] repeats the pair of merges[${earlier}] (${a}, ${b})`);
      this.ranks.set(key, i);
      this.mergePairs.push([a, b]);
      const joined = new Uint8Array(this.bytes[a].length + this.bytes[b].length);
      joined.set(this.bytes[a]);
      joined.set(this.bytes[b], this.bytes[a].length);
      this.bytes.push(joined);
    });
  }

  /** Validates a parsed BpeTokenizerJSON (throws InvalidTokenizerError). */
  static fromJSON(json: unknown): BpeTokenizer {
    const obj = asRecord(json, 'the tokenizer');
    if (checkHeader(obj) !== 'bpe') fail(`"kind" must be "bpe" for a BPE tokenizer, got ${describe(obj.kind)}`);
    if (obj.split !== SPLIT_PATTERN_ID) {
      fail(`"split" must be "${SPLIT_PATTERN_ID}" (the pre-split pattern this app uses), got ${describe(obj.split)}`);
    }
    if (!Array.isArray(obj.merges)) fail(`"merges" must be an array, got ${describe(obj.merges)}`);
    const tokenizer = new BpeTokenizer(obj.merges as [number, number][]);
    checkVocabSize(obj, tokenizer.vocabSize);
    return tokenizer;
  }

  /** The learned merges in order (a copy). */
  get merges(): [number, number][] {
    return this.mergePairs.map(([a, b]) => [a, b]);
  }

  /** The bytes token `id` stands for (a copy). */
  tokenBytes(id: number): Uint8Array {
    this.checkId(id);
    return this.bytes[id].slice();
  }

  /** Token ids of any string; `options` is accepted for the common interface and unused. */
  encode(text: string, _options?: EncodeOptions): Uint32Array {
    let out = new Uint32Array(Math.max(16, text.length));
    let n = 0;
    forEachChunk(text, (chunk) => {
      const ids = this.encodeChunk(chunk);
      if (n + ids.length > out.length) {
        const grown = new Uint32Array(Math.max(out.length * 2, n + ids.length));
        grown.set(out.subarray(0, n));
        out = grown;
      }
      // A plain loop: most chunks are 1-3 tokens, where TypedArray.set's overhead dominates.
      for (let i = 0; i < ids.length; i++) out[n++] = ids[i];
    });
    return out.slice(0, n);
  }

  /** Tokens of one pre-split chunk, memoised: ordinary text repeats its words a lot. */
  private encodeChunk(chunk: string): Uint32Array {
    const hit = this.cache.get(chunk);
    if (hit !== undefined) return hit;
    const ids = applyMerges(Int32Array.from(encodeWtf8(chunk)), this.ranks);
    if (chunk.length <= CACHE_MAX_CHUNK) {
      if (this.cache.size >= CACHE_MAX_ENTRIES) this.cache.clear();
      this.cache.set(chunk, ids);
    }
    return ids;
  }

  /**
   * Text of token ids. Ids from encode() give back the exact string; an arbitrary sequence
   * (e.g. sampled by an untrained model) may hold bytes that are no character: each invalid
   * run becomes U+FFFD, as TextDecoder does.
   */
  decode(ids: ArrayLike<number>): string {
    let total = 0;
    for (let i = 0; i < ids.length; i++) {
      this.checkId(ids[i]);
      total += this.bytes[ids[i]].length;
    }
    const buf = new Uint8Array(total);
    let o = 0;
    for (let i = 0; i < ids.length; i++) {
      buf.set(this.bytes[ids[i]], o);
      o += this.bytes[ids[i]].length;
    }
    return decodeWtf8(buf);
  }

  tokenLabel(id: number): string {
    this.checkId(id);
    return bytesLabel(this.bytes[id]);
  }

  /** Holds back the bytes of a character split across tokens (e.g. an emoji) until complete. */
  streamDecoder(): StreamDecoder {
    const decoder = new Wtf8Decoder();
    return {
      push: (id: number) => {
        this.checkId(id);
        return decoder.push(this.bytes[id]);
      },
      flush: () => decoder.flush(),
    };
  }

  toJSON(): BpeTokenizerJSON {
    return {
      format: TOKENIZER_FORMAT,
      version: TOKENIZER_VERSION,
      kind: 'bpe',
      vocabSize: this.vocabSize,
      split: SPLIT_PATTERN_ID,
      merges: this.merges,
    };
  }

  private checkId(id: number): void {
    if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize) {
      throw new RangeError(`Token id ${id} is outside the vocabulary (size ${this.vocabSize})`);
    }
  }
}
