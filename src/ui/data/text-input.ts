// The Data panel's pure logic: checks on opened files and their decoded text, what part of a
// large text the textarea shows, and how numbers and sizes read in the stats.
import { formatBytes } from '../../core/format';

/** Larger texts are shown read-only and cut here: a multi-megabyte textarea freezes the page. */
export const TEXTAREA_LIMIT = 200_000;

/** Larger files are refused before reading: the string, its tokens and the model would not fit comfortably in a tab. */
export const MAX_FILE_BYTES = 50 * 2 ** 20;

export const BPE_VOCAB_MIN = 256;
export const BPE_VOCAB_MAX = 8192;
export const BPE_VOCAB_DEFAULT = 512;

/** What the file picker accepts (a hint only: drops and "All files" bypass it). */
export const FILE_ACCEPT = 'text/*,.txt,.md,.csv,.json';

export const formatCount = (n: number): string => n.toLocaleString('en');


/** The part of `text` the textarea shows, and whether that is all of it. */
export function textareaView(text: string, limit = TEXTAREA_LIMIT): { value: string; truncated: boolean } {
  if (text.length <= limit) return { value: text, truncated: false };
  let end = limit;
  // Do not split a surrogate pair: half an emoji would show as a replacement box.
  const c = text.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end--;
  return { value: text.slice(0, end), truncated: true };
}

const NOT_TEXT_TYPES = /^(image|audio|video|font)\/|^application\/(pdf|zip|gzip|x-gzip|x-7z-compressed|x-rar-compressed|x-tar|vnd\.|msword|wasm)/;

/** A reason to refuse the file before reading it, from its size and declared type; null if it may be text. */
export function checkFileBeforeRead(file: { name: string; size: number; type: string }): string | null {
  if (file.size === 0) return `${file.name} is empty: choose a file with some text in it.`;
  if (file.size > MAX_FILE_BYTES) {
    return `${file.name} is ${formatBytes(file.size)}; the playground takes text files up to ${formatBytes(MAX_FILE_BYTES)}. Use a shorter excerpt.`;
  }
  if (NOT_TEXT_TYPES.test(file.type)) {
    return `${file.name} is not a text file (its type is ${file.type}). Open a plain-text file such as .txt, .md, .csv or .json.`;
  }
  return null;
}

/**
 * A reason to refuse the decoded text (File.text() decodes UTF-8, replacing bad bytes with
 * U+FFFD); null if it is usable text. A few replacement characters are tolerated: real text
 * sometimes holds one stray byte, while binary data or another encoding produces many.
 */
export function checkDecodedText(text: string, name: string): string | null {
  if (text.length === 0) return `${name} is empty: choose a file with some text in it.`;
  if (text.includes('\u0000')) {
    return `${name} contains NUL bytes, so it looks like a binary file (or UTF-16 text). Open a plain-text file saved as UTF-8.`;
  }
  let bad = 0;
  for (let i = text.indexOf('\ufffd'); i !== -1; i = text.indexOf('\ufffd', i + 1)) bad++;
  if (bad > Math.max(4, text.length * 0.001)) {
    return `${name} is not valid UTF-8 text (${formatCount(bad)} characters could not be decoded). It may be binary, or text in another encoding such as Latin-1: save it as UTF-8 and open it again.`;
  }
  return null;
}

/** Windows line endings become '\n': a character model would otherwise spend a token on every '\r'. */
export const normalizeNewlines = (text: string): string => (text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text);

/** Why a BPE vocabulary size cannot be used, or null. */
export function checkVocabSize(v: number): string | null {
  if (!Number.isInteger(v) || v < BPE_VOCAB_MIN || v > BPE_VOCAB_MAX) {
    return `Vocabulary size must be a whole number from ${formatCount(BPE_VOCAB_MIN)} to ${formatCount(BPE_VOCAB_MAX)}.`;
  }
  return null;
}

/** "90% / 10%" from token counts. */
export function splitPercent(train: number, val: number): string {
  const total = train + val;
  if (total === 0) return '—';
  const t = Math.round((100 * train) / total);
  return `${t}% / ${100 - t}%`;
}
