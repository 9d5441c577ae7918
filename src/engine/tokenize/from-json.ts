// A tokenizer back from its JSON form, whichever kind it is.
import { asRecord, checkHeader } from '../../core/tokenizer-json';
import { BpeTokenizer } from './bpe';
import { CharTokenizer } from './char';
import type { Tokenizer } from './types';

/**
 * Rebuilds a tokenizer from its JSON (the parsed object, not the text). Any malformed,
 * inconsistent or unknown-version input throws InvalidTokenizerError naming the bad field.
 */
export function tokenizerFromJSON(json: unknown): Tokenizer {
  const obj = asRecord(json, 'the tokenizer');
  const kind = checkHeader(obj);
  return kind === 'char' ? CharTokenizer.fromJSON(obj) : BpeTokenizer.fromJSON(obj);
}
