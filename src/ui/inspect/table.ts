// Pure helpers of the Inspect area's tables and numbers: how the ablation table sorts and
// draws its Δ bars, and how bits, losses and similarities are written.
import type { AblationRow } from '../../core/inspect';
import { compareUnits } from '../../state/ablation-list';

export type SortKey = 'unit' | 'loss' | 'delta';
export type SortDir = 'ascending' | 'descending';
export interface Sort {
  key: SortKey;
  dir: SortDir;
}

/** The table as it first shows: the units that matter most on top. */
export const DEFAULT_SORT: Sort = { key: 'delta', dir: 'descending' };

/** A NaN loss (a diverged unit) sorts last whichever way the column is sorted. */
function byNumber(a: number, b: number, sign: number): number {
  const na = Number.isNaN(a);
  const nb = Number.isNaN(b);
  if (na || nb) return Number(na) - Number(nb);
  return sign * (a - b);
}

/** The rows sorted by `sort`; ties keep the model's order (layer, then head, then sublayers). */
export function sortRows(rows: readonly AblationRow[], sort: Sort): AblationRow[] {
  const sign = sort.dir === 'ascending' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const order = compareUnits(a.unit, b.unit);
    if (sort.key === 'unit') return sign * order;
    return byNumber(a[sort.key], b[sort.key], sign) || order;
  });
}

/** Clicking a column's header: sorts by it, or turns its order round when it is sorted by already. */
export function nextSort(current: Sort, key: SortKey): Sort {
  if (current.key === key) return { key, dir: current.dir === 'ascending' ? 'descending' : 'ascending' };
  // Numbers start with the largest (the units that matter most); names in the model's order.
  return { key, dir: key === 'unit' ? 'ascending' : 'descending' };
}

/**
 * A Δ bar on a track whose middle is Δ = 0: where it starts and how wide it is, in percent
 * of the track, scaled so that the largest |Δ| in the table fills half of it.
 */
export function deltaBar(delta: number, maxAbs: number): { left: number; width: number } {
  if (!Number.isFinite(delta) || !(maxAbs > 0)) return { left: 50, width: 0 };
  const width = Math.min(50, (Math.abs(delta) / maxAbs) * 50);
  return { left: delta >= 0 ? 50 : 50 - width, width };
}

export const maxAbsDelta = (rows: readonly AblationRow[]): number => rows.reduce((m, r) => (Number.isFinite(r.delta) ? Math.max(m, Math.abs(r.delta)) : m), 0);

const fixed = (x: number, digits: number) => (Number.isFinite(x) ? x.toFixed(digits) : '–');

export const formatBits = (bits: number): string => fixed(bits, 2);
export const formatLoss = (loss: number): string => fixed(loss, 3);

/** "+0.123", "−0.010", "0.000": the sign always shown (a true minus sign). */
export function formatDelta(delta: number): string {
  if (!Number.isFinite(delta)) return '–';
  const s = Math.abs(delta).toFixed(3);
  if (Number(s) === 0) return s;
  return `${delta > 0 ? '+' : '−'}${s}`;
}

/** An activation or a cosine: three significant decimals, with a true minus sign. */
export function formatValue(x: number): string {
  if (!Number.isFinite(x)) return '–';
  const s = Math.abs(x) >= 100 ? Math.abs(x).toFixed(0) : Math.abs(x).toFixed(Math.abs(x) >= 10 ? 1 : 2);
  return x < 0 && Number(s) !== 0 ? `−${s}` : s;
}
