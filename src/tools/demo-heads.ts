// Which head of a trained demo shows its task: for each query position of the prompt, the
// key positions a head following a pattern would look at, and the share of each head's
// attention that lands there. The best head and its share become the demo's "what to look
// at" line, so the line describes the model that ships, not the one we hoped for.

import { headShares, patternTargets, strongestHead, type HeadPatternId, type HeadShare, type HeadTargets, type HeadTask } from '../core/head-targets';

export { patternTargets, type HeadTask };
/** For each query position, the key positions the pattern looks at (none: not counted). */
export type Targets = HeadTargets;
export type HeadFinding = HeadShare;

/** A way of attending that shows (part of) a task, with the words for it. */
export interface HeadPattern {
  id: HeadPatternId;
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

/** The head whose attention (probs[layer] is (NH, T, T), row = query) best follows the targets. */
export function bestHead(probs: Float32Array[], nHead: number, T: number, targets: Targets): HeadFinding | null {
  return strongestHead(headShares(probs, nHead, T, targets));
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
