// Learning BPE merges from a corpus, with the result of minbpe's RegexTokenizer.train (start
// from the 256 byte tokens, repeatedly merge the most frequent adjacent pair into a new token)
// but without its cost of recounting every pair of the whole text per merge:
//   - the text is reduced to its unique chunks ("words") with their frequencies, so 1 MB of
//     English becomes ~30k short words; a pair's count is the sum of its words' frequencies;
//   - pair counts are kept up to date incrementally: a merge only touches the words that
//     contain its pair (found through a pair → words index), and in each of them only the
//     pairs next to a merged position change;
//   - the most frequent pair comes from a lazy max-heap (stale entries are skipped on pop).
// Ties go to the pair with the lowest (left, right) ids, which makes training deterministic.

import { BYTE_TOKENS, pairKey, pairLeft, pairRight } from './bpe-apply';
import { PairHeap } from './heap';
import { MAX_VOCAB_SIZE } from '../../core/tokenizer-json';
import { forEachChunk } from './pretokenize';
import { maxWtf8Length, writeWtf8 } from './wtf8';

export interface TrainBpeOptions {
  /**
   * Called now and then with the fraction done (0..1) and what is happening. It runs
   * synchronously inside training; throwing from it aborts training.
   */
  onProgress?: (fraction: number, message: string) => void;
}

/** Share of the progress bar given to splitting and counting the text, before merging. */
const SPLIT_SHARE = 0.2;

/**
 * Merges learned from `text` for a vocabulary of `vocabSize` tokens (merges.length is at most
 * vocabSize - 256). vocabSize must be an integer in [256, 65536], otherwise RangeError.
 * Training stops early, returning fewer merges, when the most frequent pair occurs only once:
 * such a merge would memorise the corpus rather than compress it.
 */
export function learnMerges(text: string, vocabSize: number, options: TrainBpeOptions = {}): [number, number][] {
  if (!Number.isInteger(vocabSize) || vocabSize < BYTE_TOKENS || vocabSize > MAX_VOCAB_SIZE) {
    throw new RangeError(
      `BPE vocabulary size must be an integer from ${BYTE_TOKENS} (the byte tokens) to ${MAX_VOCAB_SIZE}, got ${vocabSize}`,
    );
  }
  const progress = throttled(options.onProgress);
  const numMerges = vocabSize - BYTE_TOKENS;

  // 1. Unique chunks with their frequencies.
  const chunkCounts = new Map<string, number>();
  let nextReport = 1 << 20;
  progress(0, 'Splitting the text into words');
  forEachChunk(text, (chunk, end) => {
    chunkCounts.set(chunk, (chunkCounts.get(chunk) ?? 0) + 1);
    if (end >= nextReport) {
      progress((SPLIT_SHARE * end) / text.length, 'Splitting the text into words');
      nextReport = end + (1 << 20);
    }
  });

  // 2. Words as byte tokens in one flat buffer; merges shrink each word in place.
  const nWords = chunkCounts.size;
  const start = new Int32Array(nWords);
  const len = new Int32Array(nWords);
  const weight = new Float64Array(nWords);
  let capacity = 0;
  for (const chunk of chunkCounts.keys()) capacity += maxWtf8Length(chunk);
  const tokens = new Int32Array(capacity);
  let w = 0;
  let offset = 0;
  let longest = 0;
  for (const [chunk, count] of chunkCounts) {
    start[w] = offset;
    offset = writeWtf8(chunk, tokens, offset);
    len[w] = offset - start[w];
    longest = Math.max(longest, len[w]);
    weight[w] = count;
    w++;
  }
  chunkCounts.clear();

  // 3. Pair counts (weighted by word frequency) and, per pair, the words containing it.
  const counts = new Map<number, number>();
  const where = new Map<number, number[]>();
  const addWord = (key: number, word: number): void => {
    const list = where.get(key);
    if (list === undefined) where.set(key, [word]);
    else if (list[list.length - 1] !== word) list.push(word);
  };
  for (let v = 0; v < nWords; v++) {
    const s = start[v];
    for (let i = 0; i + 1 < len[v]; i++) {
      const key = pairKey(tokens[s + i], tokens[s + i + 1]);
      counts.set(key, (counts.get(key) ?? 0) + weight[v]);
      addWord(key, v);
    }
  }
  const heap = new PairHeap();
  for (const [key, c] of counts) heap.push(-c, key);
  progress(SPLIT_SHARE, `Counting pairs in ${nWords} distinct words`);

  // Scratch buffers for one word: its tokens before the merge and the merge positions.
  const old = new Int32Array(longest);
  const oldPos = new Int32Array(longest);
  const newPos = new Int32Array(longest);
  const gained = new Set<number>();

  const subtract = (key: number, amount: number): void => {
    const c = (counts.get(key) ?? 0) - amount;
    if (c > 0) counts.set(key, c);
    else counts.delete(key);
  };

  /** Merges every (a, b) of word v into `merged`, updating the counts of the pairs around. */
  const mergeInWord = (v: number, a: number, b: number, merged: number, mergedKey: number): void => {
    const s = start[v];
    const L = len[v];
    let first = -1;
    for (let i = 0; i + 1 < L; i++) {
      if (tokens[s + i] === a && tokens[s + i + 1] === b) {
        first = i;
        break;
      }
    }
    if (first < 0) return; // the index may list a word twice or after its pair is gone
    old.set(tokens.subarray(s, s + L));
    let m = 0;
    let j = first;
    for (let i = first; i < L; i++) {
      if (i + 1 < L && old[i] === a && old[i + 1] === b) {
        oldPos[m] = i;
        newPos[m] = j;
        m++;
        tokens[s + j++] = merged;
        i++;
      } else {
        tokens[s + j++] = old[i];
      }
    }
    len[v] = j;
    const wv = weight[v];
    // Only pairs with an end in a merged position change; the rest map one-to-one. The
    // merged pair itself was dropped from the counts as a whole, so it is skipped here.
    let last = -1;
    for (let t = 0; t < m; t++) {
      for (let p = oldPos[t] - 1; p <= oldPos[t] + 1; p++) {
        if (p <= last || p < 0 || p + 1 >= L) continue;
        last = p;
        const key = pairKey(old[p], old[p + 1]);
        if (key !== mergedKey) subtract(key, wv);
      }
    }
    last = -1;
    for (let t = 0; t < m; t++) {
      for (let p = newPos[t] - 1; p <= newPos[t]; p++) {
        if (p <= last || p < 0 || p + 1 >= j) continue;
        last = p;
        const key = pairKey(tokens[s + p], tokens[s + p + 1]);
        counts.set(key, (counts.get(key) ?? 0) + wv);
        gained.add(key);
        addWord(key, v);
      }
    }
  };

  // 4. Merge loop.
  const merges: [number, number][] = [];
  while (merges.length < numMerges && heap.size > 0) {
    const stored = -heap.peekPrimary();
    const key = heap.peekSecondary();
    heap.pop();
    const current = counts.get(key) ?? 0;
    if (current !== stored) {
      // Stale. A pair whose count only went down has no up-to-date entry yet: add one.
      if (current > 0 && current < stored) heap.push(-current, key);
      continue;
    }
    if (current < 2) break; // the best pair occurs once: nothing repeats any more
    const a = pairLeft(key);
    const b = pairRight(key);
    const merged = BYTE_TOKENS + merges.length;
    merges.push([a, b]);
    counts.delete(key);
    const words = where.get(key)!;
    where.delete(key);
    gained.clear();
    for (const v of words) mergeInWord(v, a, b, merged, key);
    for (const k of gained) {
      const c = counts.get(k);
      if (c !== undefined) heap.push(-c, k);
    }
    progress(SPLIT_SHARE + ((1 - SPLIT_SHARE) * merges.length) / numMerges, `Merge ${merges.length} of ${numMerges}`);
  }
  const stoppedEarly = merges.length < numMerges;
  progress(1, stoppedEarly ? `Stopped at ${BYTE_TOKENS + merges.length} tokens: no pair of tokens repeats` : 'Done');
  return merges;
}

/** Calls through when the fraction moved by at least 1%, or at the very start and end. */
function throttled(onProgress: TrainBpeOptions['onProgress']): (fraction: number, message: string) => void {
  if (!onProgress) return () => {};
  let last = -1;
  return (fraction, message) => {
    if (fraction === 0 || fraction === 1 || fraction - last >= 0.01) {
      last = fraction;
      onProgress(Math.min(1, Math.max(0, fraction)), message);
    }
  };
}
