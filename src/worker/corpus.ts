// The text a session trains on, as tokens: the tokenizer built from it (characters, or BPE
// merges learned from it), the tokens, and the report the Data panel shows.
import type { DataReport, TokenizerChoice } from '../core/protocol';
import { CharTokenizer, trainBpe, type Tokenizer } from '../engine/tokenize';
import { InputError } from './errors';

export interface Corpus {
  tokenizer: Tokenizer;
  tokens: Uint32Array;
  report: DataReport;
}

/** Tokenizes non-empty `text`; refuses text with nothing to predict (a single distinct character). */
export function tokenizeCorpus(text: string, choice: TokenizerChoice, onProgress: (fraction: number, message: string) => void): Corpus {
  const tok = choice.kind === 'bpe' ? trainBpe(text, choice.vocabSize, { onProgress }) : CharTokenizer.fromCorpus(text);
  if (tok.vocabSize < 2) {
    throw new InputError('text', 'The text uses a single distinct character: there is nothing to predict. Use text with some variety.');
  }
  const tokens = tok.encode(text);
  onProgress(1, `${tokens.length} tokens`);
  const cut = Math.floor(tokens.length * 0.9);
  const labels = Array.from({ length: tok.vocabSize }, (_, id) => tok.tokenLabel(id));
  const report = { chars: text.length, tokens: tokens.length, vocabSize: tok.vocabSize, trainTokens: cut, valTokens: tokens.length - cut, tokenizer: tok.toJSON(), labels };
  return { tokenizer: tok, tokens, report };
}
