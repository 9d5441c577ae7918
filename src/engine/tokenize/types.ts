// The one interface the trainer, the sampler and the UI see, whatever the tokenizer kind, and
// the JSON form that the share link, autosave and checkpoint carry.

import { BpeTokenizer } from './bpe';
import { CharTokenizer } from './char';
import { TOKENIZER_FORMAT, TOKENIZER_VERSION, asRecord, checkHeader } from '../../core/tokenizer-json';

export type TokenizerKind = 'char' | 'bpe';

export interface EncodeOptions {
  /**
   * What to do with a character outside the vocabulary (char tokenizer only; byte-level BPE
   * can encode any string). 'error' (default) throws UnknownCharacterError: right for a
   * corpus. 'skip' drops it: right for a prompt typed by the user.
   */
  unknown?: 'error' | 'skip';
}

export interface StreamDecoder {
  /** Text completed by this token; '' while a multi-byte character is still incomplete. */
  push(id: number): string;
  /** Ends the stream: an incomplete character left over becomes U+FFFD. */
  flush(): string;
}

export interface Tokenizer {
  readonly kind: TokenizerKind;
  readonly vocabSize: number;
  encode(text: string, options?: EncodeOptions): Uint32Array;
  /** Throws RangeError for an id outside [0, vocabSize). */
  decode(ids: ArrayLike<number>): string;
  /** Printable form for UI labels: '␣', '↵', '\x00', '<0xE2>' (see labels.ts). */
  tokenLabel(id: number): string;
  /** For streaming samples: concatenating every push() and flush() gives decode(ids). */
  streamDecoder(): StreamDecoder;
  toJSON(): TokenizerJSON;
}

interface TokenizerJSONHeader {
  format: typeof TOKENIZER_FORMAT;
  version: typeof TOKENIZER_VERSION;
  /** Redundant (derivable from the table); checked on load to catch truncation or edits. */
  vocabSize: number;
}

export interface CharTokenizerJSON extends TokenizerJSONHeader {
  kind: 'char';
  /** Token id i is codePoints[i]; strictly increasing; 0xD800..0xDFFF stand for lone surrogates. */
  codePoints: number[];
}

export interface BpeTokenizerJSON extends TokenizerJSONHeader {
  kind: 'bpe';
  /** Name of the pre-split pattern the merges were learned with (see pretokenize.ts). */
  split: string;
  /** merges[i] = [left, right] makes token 256 + i; both ids must be below 256 + i. */
  merges: [number, number][];
}

export type TokenizerJSON = CharTokenizerJSON | BpeTokenizerJSON;

/**
 * Rebuilds a tokenizer from its JSON (the parsed object, not the text). Any malformed,
 * inconsistent or unknown-version input throws InvalidTokenizerError naming the bad field.
 */
export function tokenizerFromJSON(json: unknown): Tokenizer {
  const obj = asRecord(json, 'the tokenizer');
  const kind = checkHeader(obj);
  return kind === 'char' ? CharTokenizer.fromJSON(obj) : BpeTokenizer.fromJSON(obj);
}

export { InvalidTokenizerError, TOKENIZER_FORMAT, TOKENIZER_VERSION, MAX_VOCAB_SIZE } from '../../core/tokenizer-json';
