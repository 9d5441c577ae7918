// Where a head that does a task's job looks, and how much of each head's attention lands
// there. Used to find the head a shipped demo points people at, and to measure heads before
// and after a lesson's training.

/** The sample tasks whose attention patterns are known. */
export type HeadTask = 'count' | 'copy' | 'reverse' | 'brackets' | 'prose';

/** A way of attending that shows (part of) a task. */
export type HeadPatternId = 'number' | 'letter' | 'mark' | 'open' | 'previous';

/** For each query position, the key positions the pattern looks at (none: not counted). */
export type HeadTargets = Map<number, number[]>;

export interface HeadShare {
  layer: number;
  head: number;
  /** Mean over the target queries of the attention on their target keys, 0..1. */
  share: number;
}

const OPEN_OF: Record<string, string> = { ')': '(', ']': '[', '}': '{', '>': '<' };

/** [start, end) of each line of `chars` (the newline ends a line and belongs to none). */
function lines(chars: readonly string[]): [number, number][] {
  const out: [number, number][] = [];
  let start = 0;
  chars.forEach((c, i) => {
    if (c === '\n') {
      out.push([start, i]);
      start = i + 1;
    }
  });
  out.push([start, chars.length]);
  return out;
}

/** Where a head following `pattern` of `task` looks from each position of `chars`. */
export function patternTargets(task: HeadTask, pattern: HeadPatternId, chars: readonly string[]): HeadTargets {
  const t: HeadTargets = new Map();
  if (pattern === 'previous') {
    for (let p = 1; p < chars.length; p++) t.set(p, [p - 1]);
    return t;
  }
  for (const [s, e] of lines(chars)) {
    const line = chars.slice(s, e);
    if (pattern === 'number') {
      // While the stars are written (from the space before them), the number says how many.
      const colon = line.indexOf(':');
      if (colon < 1) continue;
      const digits = Array.from({ length: colon }, (_, k) => s + k);
      for (let p = s + colon + 1; p < e; p++) t.set(p, digits);
    } else if (pattern === 'letter' || pattern === 'mark') {
      // At the mark and after it, the next letter is a letter of the word: the one to write.
      const n = line.indexOf(task === 'reverse' ? '>' : '|');
      if (n < 1) continue;
      if (pattern === 'mark') for (let p = s + n + 1; p < e; p++) t.set(p, [s + n]);
      else for (let k = 0; k < n && s + n + k < e; k++) t.set(s + n + k, [task === 'reverse' ? s + n - 1 - k : s + k]);
    } else if (pattern === 'open') {
      // Wherever a bracket is open, the next closer must match the innermost one.
      const stack: number[] = [];
      for (let p = s; p < e; p++) {
        const c = chars[p];
        if (OPEN_OF[c] !== undefined) {
          if (stack.length && chars[stack[stack.length - 1]] === OPEN_OF[c]) stack.pop();
        } else stack.push(p);
        if (stack.length) t.set(p, [stack[stack.length - 1]]);
      }
    }
  }
  return t;
}

/** Each head's share of attention on the targets; `probs[layer]` is (NH, T, T), row = query. */
export function headShares(probs: readonly ArrayLike<number>[], nHead: number, T: number, targets: HeadTargets): HeadShare[] {
  const out: HeadShare[] = [];
  if (targets.size === 0) return out;
  probs.forEach((p, layer) => {
    for (let head = 0; head < nHead; head++) {
      let sum = 0;
      for (const [q, keys] of targets) for (const k of keys) sum += p[(head * T + q) * T + k];
      out.push({ layer, head, share: sum / targets.size });
    }
  });
  return out;
}

/** The head with the largest share (the first on ties); null when there is none. */
export function strongestHead(shares: readonly HeadShare[]): HeadShare | null {
  return shares.reduce<HeadShare | null>((best, s) => (!best || s.share > best.share ? s : best), null);
}

/** The share a causal head that spreads its attention evenly over the past gives the targets. */
export function evenShare(targets: HeadTargets): number {
  if (targets.size === 0) return 0;
  let sum = 0;
  for (const [q, keys] of targets) sum += keys.length / (q + 1);
  return sum / targets.size;
}
