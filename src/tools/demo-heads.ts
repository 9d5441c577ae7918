// Which head of a trained demo shows its task: for each query position of the prompt, the
// key positions a head following a pattern would look at, and the share of each head's
// attention that lands there. The best head and its share become the demo's "what to look
// at" line, so the line describes the model that ships, not the one we hoped for.

export type HeadTask = 'count' | 'copy' | 'reverse' | 'brackets' | 'prose';

/** For each query position, the key positions the pattern looks at (none: not counted). */
export type Targets = Map<number, number[]>;

/** A way of attending that shows (part of) a task, with the words for it. */
export interface HeadPattern {
  id: 'number' | 'letter' | 'mark' | 'open' | 'previous';
  /** Completes "Layer L, head H …". */
  phrase: string;
  /** Said after the share, e.g. what the pattern means for the answer. */
  then?: string;
}

/**
 * The patterns of each task, the one that solves it first. Copying and reversing are learned
 * in two stages: the layout and the length of the answer (a head that looks back at the mark)
 * long before its letters (a head that looks back at the letter to write).
 */
export const HEAD_PATTERNS: Record<HeadTask, HeadPattern[]> = {
  count: [{ id: 'number', phrase: 'looks back at the number while the stars are written' }],
  copy: [
    { id: 'letter', phrase: 'looks back at the letter to copy next' },
    { id: 'mark', phrase: 'looks back at the bar while the copy is written', then: ': the copy gets the length of the word right, not yet its letters' },
  ],
  reverse: [
    { id: 'letter', phrase: 'walks back through the word: it looks at the letter to write next' },
    { id: 'mark', phrase: 'looks back at the arrow while the answer is written', then: ': the answer gets the length of the word right, not yet its letters' },
  ],
  brackets: [{ id: 'open', phrase: 'looks back at the innermost bracket still open, the one the next closer must match' }],
  prose: [{ id: 'previous', phrase: 'looks at the letter just before' }],
};

const OPEN_OF: Record<string, string> = { ')': '(', ']': '[', '}': '{', '>': '<' };

/** [start, end) of each line of `chars` (the newline ends a line and belongs to none). */
function lines(chars: string[]): [number, number][] {
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
export function patternTargets(task: HeadTask, pattern: HeadPattern['id'], chars: string[]): Targets {
  const t: Targets = new Map();
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

export interface HeadFinding {
  layer: number;
  head: number;
  /** Mean over the pattern's query positions of the attention on its target keys, 0..1. */
  share: number;
}

/** The head whose attention (probs[layer] is (NH, T, T), row = query) best follows the targets. */
export function bestHead(probs: Float32Array[], nHead: number, T: number, targets: Targets): HeadFinding | null {
  if (targets.size === 0) return null;
  let best: HeadFinding | null = null;
  probs.forEach((p, layer) => {
    for (let head = 0; head < nHead; head++) {
      let sum = 0;
      for (const [q, keys] of targets) for (const k of keys) sum += p[(head * T + q) * T + k];
      const share = sum / targets.size;
      if (!best || share > best.share) best = { layer, head, share };
    }
  });
  return best;
}

/** Below this share a head does not show the pattern plainly enough to point people at it. */
export const CLEAR_SHARE = 0.3;

/** The first of the task's patterns that some head shows clearly, with that head; null when none does. */
export function findTaskHead(task: HeadTask, probs: Float32Array[], nHead: number, chars: string[]): { pattern: HeadPattern; found: HeadFinding } | null {
  for (const pattern of HEAD_PATTERNS[task]) {
    const found = bestHead(probs, nHead, chars.length, patternTargets(task, pattern.id, chars));
    if (found && found.share >= CLEAR_SHARE) return { pattern, found };
  }
  return null;
}

/**
 * The "what to look at" line: the head in words, or the fallback when none is clear; `lead`,
 * when given, comes first (what the samples show, for prose).
 */
export function lookAtLine(clear: { pattern: HeadPattern; found: HeadFinding } | null, fallback: string, lead?: string): string {
  if (!clear) return fallback;
  const { found, pattern } = clear;
  const head = `Layer ${found.layer + 1}, head ${found.head + 1} ${pattern.phrase} (${Math.round(found.share * 100)}% of its attention)${pattern.then ?? ''}.`;
  return lead ? `${lead} ${head}` : head;
}
