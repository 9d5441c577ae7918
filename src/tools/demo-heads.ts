// Which head of a trained demo shows its task: for each query position of the prompt, the
// key positions a head solving the task would look at, and the share of each head's
// attention that lands there. The best head and its share become the demo's "what to look
// at" line, so the line describes the model that ships, not the one we hoped for.

export type HeadTask = 'count' | 'copy' | 'reverse' | 'brackets' | 'prose';

/** For each query position, the key positions the task's head looks at (none: not counted). */
export type Targets = Map<number, number[]>;

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

/** Positions where a part of the line determined by an earlier part is being written. */
export function taskTargets(task: HeadTask, chars: string[]): Targets {
  const t: Targets = new Map();
  for (const [s, e] of lines(chars)) {
    const line = chars.slice(s, e);
    if (task === 'count') {
      // While the stars are written (from the space before them), the number says how many.
      const colon = line.indexOf(':');
      if (colon < 1) continue;
      const digits = Array.from({ length: colon }, (_, k) => s + k);
      for (let p = s + colon + 1; p < e; p++) t.set(p, digits);
    } else if (task === 'copy' || task === 'reverse') {
      // At the mark and after it, the next letter is a letter of the word: the one to write.
      const n = line.indexOf(task === 'copy' ? '|' : '>');
      if (n < 1) continue;
      for (let k = 0; k < n && s + n + k < e; k++) t.set(s + n + k, [task === 'copy' ? s + k : s + n - 1 - k]);
    } else if (task === 'brackets') {
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
  if (task === 'prose') for (let p = 1; p < chars.length; p++) t.set(p, [p - 1]);
  return t;
}

export interface HeadFinding {
  layer: number;
  head: number;
  /** Mean over the task's query positions of the attention on its target keys, 0..1. */
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

const PHRASES: Record<HeadTask, string> = {
  count: 'looks back at the number while the stars are written',
  copy: 'looks back at the letter to copy next',
  reverse: 'walks back through the word: it looks at the letter to write next',
  brackets: 'looks back at the innermost bracket still open, the one the next closer must match',
  prose: 'looks at the letter just before',
};

/** Below this share a head does not show the pattern plainly enough to point people at it. */
export const CLEAR_SHARE = 0.3;

/**
 * The "what to look at" line: the best head in words, or the fallback when none is clear;
 * `lead`, when given, comes first (what the samples show, for prose).
 */
export function lookAtLine(task: HeadTask, found: HeadFinding | null, fallback: string, lead?: string): string {
  if (!found || found.share < CLEAR_SHARE) return fallback;
  const pct = Math.round(found.share * 100);
  const head = `Layer ${found.layer + 1}, head ${found.head + 1} ${PHRASES[task]} (${pct}% of its attention).`;
  return lead ? `${lead} ${head}` : head;
}
