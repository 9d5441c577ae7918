// Shared pieces of the tokenizer JSON format and of its validation. A tokenizer arrives from a
// share link, an autosave or a checkpoint file, any of which may be truncated or edited, so
// everything is checked before a tokenizer is built: a bad file fails here, with the field
// named, instead of as an out-of-range read in the middle of training.

export const TOKENIZER_FORMAT = 'gpt-playground/tokenizer';
export const TOKENIZER_VERSION = 1;

/** Largest vocabulary either tokenizer accepts (well above what a browser model can embed). */
export const MAX_VOCAB_SIZE = 65536;

/** A tokenizer JSON that is malformed, inconsistent or from an unknown version. */
export class InvalidTokenizerError extends Error {
  constructor(message: string) {
    super(`Invalid tokenizer JSON: ${message}`);
    this.name = 'InvalidTokenizerError';
  }
}

export function fail(message: string): never {
  throw new InvalidTokenizerError(message);
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`;
  if (typeof value === 'number') return `the number ${value}`;
  return `a value of type ${typeof value}`;
}

/** The value as a plain object, or an error naming what it was instead. */
export function asRecord(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const hint = typeof value === 'string' ? ' (parse the text with JSON.parse first)' : '';
    fail(`${what} must be an object, got ${describe(value)}${hint}`);
  }
  return value as Record<string, unknown>;
}

/** Checks the fields common to every kind: format, version and a known kind. */
export function checkHeader(obj: Record<string, unknown>): 'char' | 'bpe' {
  if (obj.format !== TOKENIZER_FORMAT) {
    fail(`"format" must be "${TOKENIZER_FORMAT}", got ${describe(obj.format)}`);
  }
  if (obj.version !== TOKENIZER_VERSION) {
    fail(`"version" must be ${TOKENIZER_VERSION}, got ${describe(obj.version)} (written by a newer or older app?)`);
  }
  if (obj.kind !== 'char' && obj.kind !== 'bpe') {
    fail(`"kind" must be "char" or "bpe", got ${describe(obj.kind)}`);
  }
  return obj.kind;
}

export function isIntIn(value: unknown, lo: number, hi: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= lo && value <= hi;
}

/** Checks that "vocabSize", which is redundant, agrees with the table it summarises. */
export function checkVocabSize(obj: Record<string, unknown>, actual: number): void {
  if (obj.vocabSize !== actual) {
    fail(`"vocabSize" is ${describe(obj.vocabSize)} but the table defines ${actual} tokens`);
  }
}

export type TokenizerKind = 'char' | 'bpe';

export interface TokenizerJSONHeader {
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
