// The one interface the trainer, the sampler and the UI see, whatever the tokenizer kind, and
// the JSON form that the share link, autosave and checkpoint carry.

import type { TokenizerJSON, TokenizerKind } from '../../core/tokenizer-json';

export type { BpeTokenizerJSON, CharTokenizerJSON, TokenizerJSON, TokenizerKind } from '../../core/tokenizer-json';

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



export { InvalidTokenizerError, TOKENIZER_FORMAT, TOKENIZER_VERSION, MAX_VOCAB_SIZE } from '../../core/tokenizer-json';
