// Generators for the synthetic sample corpora: one line per example, from a seeded Rng so the
// same text comes out on every machine. Each task is chosen so that part of every line is
// random (nothing to learn there) and part is fully determined by what came before (the
// part a model can learn, which is what the loss and the attention maps show).
import { Rng } from '../core/rng';

export const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/** Opening bracket → its closing bracket. */
export const BRACKETS: Record<string, string> = { '(': ')', '[': ']', '{': '}', '<': '>' };
const OPENERS = Object.keys(BRACKETS);

/** Lines from `makeLine` until the text reaches `targetChars` (each line ends with '\n'). */
export function generateLines(seed: number, targetChars: number, makeLine: (rng: Rng) => string): string {
  const rng = new Rng(seed);
  const lines: string[] = [];
  let size = 0;
  while (size < targetChars) {
    const line = makeLine(rng) + '\n';
    lines.push(line);
    size += line.length;
  }
  return lines.join('');
}

/** Random lowercase letters, length uniform in [minLen, maxLen]. */
export function randomWord(rng: Rng, minLen: number, maxLen: number): string {
  const n = minLen + rng.int(maxLen - minLen + 1);
  let s = '';
  for (let i = 0; i < n; i++) s += LETTERS[rng.int(LETTERS.length)];
  return s;
}

/** "abc|abc": the part after the bar repeats the part before it. */
export function copyLine(rng: Rng, minLen = 3, maxLen = 10): string {
  const w = randomWord(rng, minLen, maxLen);
  return `${w}|${w}`;
}

/** "abcd>dcba": the part after the arrow is the part before it, backwards. */
export function reverseLine(rng: Rng, minLen = 3, maxLen = 8): string {
  const w = randomWord(rng, minLen, maxLen);
  return `${w}>${[...w].reverse().join('')}`;
}

/** "3: ***": a number, then that many stars. */
export function countLine(rng: Rng, max = 12): string {
  const n = 1 + rng.int(max);
  return `${n}: ${'*'.repeat(n)}`;
}

/**
 * A balanced string of mixed brackets, even length in [minLen, maxLen], nested at most
 * maxDepth deep. Whether to open or close is a coin toss; which bracket closes is forced.
 */
export function bracketLine(rng: Rng, minLen = 4, maxLen = 24, maxDepth = 6): string {
  const lo = Math.ceil(minLen / 2);
  const target = 2 * (lo + rng.int(Math.floor(maxLen / 2) - lo + 1));
  const stack: string[] = [];
  let out = '';
  while (out.length < target) {
    const remaining = target - out.length;
    // Opening one more needs room to close everything open afterwards.
    const canOpen = stack.length < maxDepth && stack.length + 2 <= remaining;
    if (stack.length > 0 && (!canOpen || rng.random() < 0.45)) {
      out += BRACKETS[stack.pop()!];
    } else {
      const open = OPENERS[rng.int(OPENERS.length)];
      stack.push(open);
      out += open;
    }
  }
  return out;
}

/** Whether every bracket in `s` is closed by its partner in the right order. */
export function isBalanced(s: string): boolean {
  const closers = new Set(Object.values(BRACKETS));
  const stack: string[] = [];
  for (const c of s) {
    if (c in BRACKETS) stack.push(BRACKETS[c]);
    else if (closers.has(c)) {
      if (stack.pop() !== c) return false;
    }
  }
  return stack.length === 0;
}
