// A binary min-heap of (primary, secondary) number pairs, ordered lexicographically. BPE uses
// it twice: training pops the most frequent pair (primary = -count, secondary = pair key, so
// ties go to the lowest ids), and encoding a long chunk pops the earliest-learned merge
// (primary = rank, secondary = position, so equal merges apply left to right).
// Entries are never updated in place; callers push a new entry and skip stale ones on pop.

export class PairHeap {
  private primary: number[] = [];
  private secondary: number[] = [];

  get size(): number {
    return this.primary.length;
  }

  push(p: number, s: number): void {
    const P = this.primary;
    const S = this.secondary;
    let i = P.length;
    P.push(p);
    S.push(s);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (P[parent] < p || (P[parent] === p && S[parent] <= s)) break;
      P[i] = P[parent];
      S[i] = S[parent];
      i = parent;
    }
    P[i] = p;
    S[i] = s;
  }

  /** Primary value of the smallest entry (heap must be non-empty). */
  peekPrimary(): number {
    return this.primary[0];
  }

  /** Secondary value of the smallest entry (heap must be non-empty). */
  peekSecondary(): number {
    return this.secondary[0];
  }

  /** Removes the smallest entry (heap must be non-empty). */
  pop(): void {
    const P = this.primary;
    const S = this.secondary;
    const p = P.pop()!;
    const s = S.pop()!;
    const n = P.length;
    if (n === 0) return;
    // Sift the former last entry down from the root.
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let c = l;
      if (r < n && (P[r] < P[l] || (P[r] === P[l] && S[r] < S[l]))) c = r;
      if (p < P[c] || (p === P[c] && s <= S[c])) break;
      P[i] = P[c];
      S[i] = S[c];
      i = c;
    }
    P[i] = p;
    S[i] = s;
  }
}
