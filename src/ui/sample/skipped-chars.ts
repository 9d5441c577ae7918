// Which prompt characters a character tokenizer cannot encode. The worker skips them
// (encode with unknown: 'skip'), so the model never sees them although the prompt field still
// shows them: the Sample panel lists them under the prompt. Characters are code points, as
// in the tokenizer (an emoji is one; a lone surrogate stands for itself).
import type { TokenizerJSON } from '../../core/tokenizer-json';

/** The code points a tokenizer can encode; null when it encodes any text (byte-level BPE). */
export function vocabularyOf(tokenizer: TokenizerJSON): ReadonlySet<number> | null {
  return tokenizer.kind === 'char' ? new Set(tokenizer.codePoints) : null;
}

/**
 * The code points of a text: the vocabulary the worker's character tokenizer will build from
 * it (CharTokenizer.fromCorpus), for the time between an edit of the text and its tokenizing.
 */
export function codePointsOf(text: string): Set<number> {
  const seen = new Set<number>();
  for (const ch of text) seen.add(ch.codePointAt(0)!);
  return seen;
}

/** The prompt's characters outside the vocabulary: distinct, in the order they first appear. */
export function skippedChars(prompt: string, vocabulary: ReadonlySet<number>): string[] {
  const skipped = new Set<string>();
  // for...of walks code points, and yields a lone surrogate as itself, as the encoder reads them.
  for (const ch of prompt) if (!vocabulary.has(ch.codePointAt(0)!)) skipped.add(ch);
  return [...skipped];
}

const NAMED: Record<string, string> = { ' ': '␣', '\n': '↵', '\r': '␍', '\t': '⇥' };

/**
 * A character as it can be read in a list: whitespace and control characters by a symbol or
 * their code, a combining mark on a dotted circle (alone it would sit on the previous item).
 */
export function showChar(ch: string): string {
  if (NAMED[ch]) return NAMED[ch];
  const cp = ch.codePointAt(0)!;
  if (/^[\p{Cc}\p{Cf}\p{Z}]$/u.test(ch) || (cp >= 0xd800 && cp <= 0xdfff)) {
    return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  if (/^\p{M}$/u.test(ch)) return `◌${ch}`;
  return ch;
}

/**
 * "Not in the vocabulary, skipped: é 🚀 Ω", the first few then "and N more"; null when
 * nothing is skipped. Says so when nothing of the prompt is left.
 */
export function skippedCharsMessage(prompt: string, skipped: readonly string[], shown = 6): string | null {
  if (skipped.length === 0) return null;
  const listed = skipped.slice(0, shown).map(showChar).join(' ');
  const more = skipped.length > shown ? ` and ${skipped.length - shown} more` : '';
  const allGone = [...prompt].every((ch) => skipped.includes(ch));
  const after = allGone ? ' Nothing of the prompt is left, so generation starts from the first token of the text.' : '';
  return `Not in the vocabulary, skipped: ${listed}${more}.${after}`;
}

export interface PromptPiece {
  text: string;
  /** Outside the vocabulary: the model never saw it. */
  skipped: boolean;
}

/** The prompt cut into runs the model saw and runs it skipped, for showing it as it was read. */
export function promptPieces(prompt: string, vocabulary: ReadonlySet<number> | null): PromptPiece[] {
  if (!vocabulary) return prompt ? [{ text: prompt, skipped: false }] : [];
  const pieces: PromptPiece[] = [];
  for (const ch of prompt) {
    const skipped = !vocabulary.has(ch.codePointAt(0)!);
    const last = pieces[pieces.length - 1];
    if (last && last.skipped === skipped) last.text += ch;
    else pieces.push({ text: ch, skipped });
  }
  return pieces;
}
