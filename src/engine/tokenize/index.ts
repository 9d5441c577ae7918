// Public surface of the tokenizers: what the worker and the app import.

export { tokenizerFromJSON } from './from-json';
export {
  InvalidTokenizerError,
  MAX_VOCAB_SIZE,
  TOKENIZER_FORMAT,
  TOKENIZER_VERSION,
  type BpeTokenizerJSON,
  type CharTokenizerJSON,
  type EncodeOptions,
  type StreamDecoder,
  type Tokenizer,
  type TokenizerJSON,
  type TokenizerKind,
} from './types';
export { CharTokenizer, UnknownCharacterError } from './char';
export { BpeTokenizer, trainBpe, type TrainBpeOptions } from './bpe';
export { SPLIT_PATTERN_ID, splitChunks } from './pretokenize';
export { decodeWtf8, encodeWtf8 } from './wtf8';
export { stringLabel, symbolLabel } from './labels';
