// Pre-splitting for the BPE: text is cut into chunks and merges never cross a chunk boundary,
// so tokens don't glue a word to the punctuation after it ("dog." / "dog!" / "dog?" would
// otherwise become three unrelated tokens). The pattern is GPT-2's with two changes: combining
// marks count as letters, so a decomposed "é" (e + U+0301) stays inside its word; and line
// breaks end a whitespace chunk, as in GPT-4's pattern, so CRLF stays together ("a\r\nb"
// would otherwise split into "\r" and "\n", and no merge could learn the line ending).
//
//   's 't 're 've 'm 'll 'd      English contractions (ASCII apostrophe, as GPT-2)
//   ' ?[letters]+'               a word with its leading space
//   ' ?[digits]+'                a number with its leading space
//   ' ?[other]+'                 a punctuation / symbol run with its leading space
//   '\s*[\r\n]+'                 whitespace up to and including a run of line breaks
//   '\s+(?!\S)'                  whitespace, leaving the last space for the next word
//   '\s+'                        trailing whitespace
//
// Lone surrogates fall in "other". The alternatives cover every character, and splitChunks
// also emits any gap between matches, so the chunks always concatenate back to the text.

/** Stored in the tokenizer JSON: the merges only make sense with the split they were learned on. */
export const SPLIT_PATTERN_ID = 'gpt2-like-v1';

const SPLIT_SOURCE = "'(?:s|t|re|ve|m|ll|d)| ?[\\p{L}\\p{M}]+| ?\\p{N}+| ?[^\\s\\p{L}\\p{M}\\p{N}]+|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

/**
 * Calls `visit` with each chunk of `text`, in order. A callback (rather than an array) lets a
 * 50 MB corpus be counted without holding millions of chunk strings at once.
 */
export function forEachChunk(text: string, visit: (chunk: string, end: number) => void): void {
  // A fresh RegExp per call: a shared global regex's lastIndex would break re-entrancy.
  const re = new RegExp(SPLIT_SOURCE, 'gu');
  let last = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    if (m.index > last) visit(text.slice(last, m.index), m.index);
    visit(m[0], re.lastIndex);
    last = re.lastIndex;
  }
  if (last < text.length) visit(text.slice(last), text.length);
}

/** All chunks of `text` (for tests and small inputs). */
export function splitChunks(text: string): string[] {
  const chunks: string[] = [];
  forEachChunk(text, (c) => chunks.push(c));
  return chunks;
}
