// The runs compared on the loss chart, as the chart needs them: a colour slot per run that
// stays put while others come and go, each run's smoothed train loss, and what the tooltip and
// the text alternative say about them. Pure, apart from a cache keyed by the runs' arrays.
import type { ComparedRun } from '../../state/compare';
import { formatLoss } from './format';
import { Ema, lastAtOrBefore } from './series';

/** Colours in the compared runs' palette (train.css --train-cmp-1 … 5); more runs reuse them. */
export const COMPARE_SLOTS = 5;

/**
 * A colour slot for each id: kept from `prev` for ids still present, the least used free one
 * for a new id (the lowest on a tie), so removing one run recolours no other.
 */
export function assignSlots(prev: ReadonlyMap<string, number>, ids: readonly string[], size = COMPARE_SLOTS): Map<string, number> {
  const next = new Map<string, number>();
  const uses = new Array<number>(size).fill(0);
  for (const id of ids) {
    const slot = prev.get(id);
    if (slot !== undefined && slot < size && !next.has(id)) {
      next.set(id, slot);
      uses[slot]++;
    }
  }
  for (const id of ids) {
    if (next.has(id)) continue;
    const slot = uses.indexOf(Math.min(...uses));
    next.set(id, slot);
    uses[slot]++;
  }
  return next;
}

/**
 * The smoothed train losses of a compared run, computed once per steps array (a compared run
 * is a snapshot: its arrays never change in place).
 */
export class SmoothedRuns {
  private readonly cache = new WeakMap<object, number[]>();
  constructor(
    readonly weight: number,
    readonly spikeFactor: number,
  ) {}

  of(steps: ComparedRun['steps']): number[] {
    let s = this.cache.get(steps);
    if (!s) {
      const ema = new Ema(this.weight, this.spikeFactor);
      s = steps.map((p) => ema.push(p.loss));
      this.cache.set(steps, s);
    }
    return s;
  }
}

const byStep = (r: { step: number }) => r.step;

/** A compared run's values at a step, or the last before it: "label: smoothed loss, val". */
export function comparedAt(run: ComparedRun, smoothed: readonly number[], step: number): string | null {
  const i = lastAtOrBefore(run.steps, byStep, step);
  const e = lastAtOrBefore(run.evals, byStep, step);
  if (i < 0 && e < 0) return null;
  const parts: string[] = [];
  if (i >= 0) parts.push(formatLoss(smoothed[i]));
  if (e >= 0) parts.push(`val ${formatLoss(run.evals[e].val)}`);
  return `${run.label}: ${parts.join(', ')}`;
}

/** What the text alternative says about the compared runs: where each ended. */
export function comparedSummary(runs: readonly ComparedRun[]): string {
  if (runs.length === 0) return '';
  const each = runs.map((r) => {
    const last = r.steps.at(-1);
    const val = r.evals.at(-1);
    const end = last ? `train loss ${formatLoss(last.loss)} at step ${last.step.toLocaleString('en-US')}` : 'no train loss';
    return `${r.label}, ${end}${val ? `, validation loss ${formatLoss(val.val)}` : ''}`;
  });
  return `Compared with ${runs.length === 1 ? 'one run' : `${runs.length} runs`}: ${each.join('; ')}.`;
}

/** The note about outliers drawn clamped at the top edge, or '' when there are none. */
export function aboveNote(above: { count: number; max: number }): string {
  if (above.count === 0) return '';
  const what = above.count === 1 ? '1 point above the chart' : `${above.count.toLocaleString('en-US')} points above the chart`;
  return `${what} (${above.count === 1 ? '' : 'up to '}${formatLoss(above.max)})`;
}
