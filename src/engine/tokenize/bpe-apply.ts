// Encoding one pre-split chunk with learned merges. The rule (minbpe's encode) is: while some
// adjacent pair has a merge, take the pair that was learned first and merge every occurrence
// of it, left to right. Applied in learning order, this reproduces the tokens training saw.
//
// Two implementations with the same result: a direct loop, O(n²) but fastest for the short
// chunks that make up ordinary text, and a heap over a linked list, O(n log n), for long
// chunks (a 100 kB run of spaces or of unpunctuated CJK is one chunk).

import { PairHeap } from './heap';
import { MAX_VOCAB_SIZE } from '../../core/tokenizer-json';

/** Number of base tokens: one per byte value. */
export const BYTE_TOKENS = 256;

/** Chunks up to this many bytes use the direct loop. */
const DIRECT_MAX_BYTES = 64;

/** Map key of an adjacent pair; ids are below MAX_VOCAB_SIZE so the key is below 2^32. */
export function pairKey(left: number, right: number): number {
  return left * MAX_VOCAB_SIZE + right;
}

export function pairLeft(key: number): number {
  return Math.floor(key / MAX_VOCAB_SIZE);
}

export function pairRight(key: number): number {
  return key % MAX_VOCAB_SIZE;
}

/** pairKey → rank r (the merge makes token 256 + r). */
export type MergeRanks = ReadonlyMap<number, number>;

/** Tokens of one chunk given its bytes (which the function may overwrite). */
export function applyMerges(ids: Int32Array, ranks: MergeRanks): Uint32Array {
  return ids.length <= DIRECT_MAX_BYTES ? applyMergesDirect(ids, ranks) : applyMergesHeap(ids, ranks);
}

export function applyMergesDirect(ids: Int32Array, ranks: MergeRanks): Uint32Array {
  let n = ids.length;
  while (n >= 2) {
    let best = Infinity;
    let at = -1;
    for (let i = 0; i + 1 < n; i++) {
      const r = ranks.get(pairKey(ids[i], ids[i + 1]));
      if (r !== undefined && r < best) {
        best = r;
        at = i;
      }
    }
    if (at < 0) break;
    const a = ids[at];
    const b = ids[at + 1];
    const merged = BYTE_TOKENS + best;
    let j = 0;
    for (let i = 0; i < n; i++) {
      if (i + 1 < n && ids[i] === a && ids[i + 1] === b) {
        ids[j++] = merged;
        i++;
      } else {
        ids[j++] = ids[i];
      }
    }
    n = j;
  }
  return Uint32Array.from(ids.subarray(0, n));
}

export function applyMergesHeap(ids: Int32Array, ranks: MergeRanks): Uint32Array {
  const n = ids.length;
  const tok = ids; // tok[i] = -1 once position i has been merged into its left neighbour
  const next = new Int32Array(n);
  const prev = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    next[i] = i + 1; // n means "none"
    prev[i] = i - 1; // -1 means "none"
  }
  const heap = new PairHeap();
  for (let i = 0; i + 1 < n; i++) {
    const r = ranks.get(pairKey(tok[i], tok[i + 1]));
    if (r !== undefined) heap.push(r, i);
  }
  let count = n;
  while (heap.size > 0) {
    const r = heap.peekPrimary();
    const i = heap.peekSecondary();
    heap.pop();
    if (tok[i] < 0) continue;
    const j = next[i];
    // Stale entry: the pair at i changed since it was pushed. A rank names exactly one pair,
    // so comparing ranks is an exact check.
    if (j >= n || ranks.get(pairKey(tok[i], tok[j])) !== r) continue;
    tok[i] = BYTE_TOKENS + r;
    tok[j] = -1;
    count--;
    const k = next[j];
    next[i] = k;
    if (k < n) prev[k] = i;
    // The new token can only take part in merges learned after it (higher ranks), so the
    // heap keeps popping ranks in increasing order, as the direct loop applies them.
    const p = prev[i];
    if (p >= 0) {
      const rl = ranks.get(pairKey(tok[p], tok[i]));
      if (rl !== undefined) heap.push(rl, p);
    }
    if (k < n) {
      const rr = ranks.get(pairKey(tok[i], tok[k]));
      if (rr !== undefined) heap.push(rr, i);
    }
  }
  const out = new Uint32Array(count);
  let o = 0;
  for (let i = 0; i < n; i = next[i]) out[o++] = tok[i];
  return out;
}
