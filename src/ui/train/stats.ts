// What the Train panel's readouts and the chart's text alternative say, computed from the
// metrics store's arrays. Pure, so the wording and the ETA maths are unit-tested.
import type { EvalReport, StepReport } from '../../core/protocol';
import { formatDuration, formatLoss, formatMs, formatRate, NONE } from './format';
import { recentMedian } from './series';

/** Steps the "recent" step time and throughput are taken over. */
export const RECENT_STEPS = 20;

export type StatKey = 'step' | 'total' | 'loss' | 'val' | 'valStep' | 'tokens' | 'stepTime' | 'eta';

/** Text to show, and the raw number (for data-value, so tests need not parse "48,213"). */
export type StatValues = Record<StatKey, { text: string; value: number }>;

const count = (n: number) => n.toLocaleString('en-US');

/** `stalled`: the run cannot continue (it diverged), so there is no time left to estimate. */
export function computeStats(steps: readonly StepReport[], evals: readonly EvalReport[], maxSteps: number, fallbackStep: number, stalled = false): StatValues {
  const last = steps.at(-1);
  const step = last?.step ?? fallbackStep;
  const lastEval = evals.at(-1);
  const stepMs = recentMedian(steps, (s) => s.stepMs, RECENT_STEPS);
  const tokens = recentMedian(steps, (s) => s.tokensPerSec, RECENT_STEPS);
  const remaining = Math.max(0, maxSteps - step);
  const etaSec = stalled ? NaN : remaining === 0 && step > 0 ? 0 : (remaining * stepMs) / 1000;
  return {
    // Plain digits, and the total apart from the step: a test (or a person) reading "12" must
    // not find it inside "/ 1,200".
    step: { text: String(step), value: step },
    total: { text: `/ ${maxSteps}`, value: maxSteps },
    loss: { text: last ? formatLoss(last.loss) : NONE, value: last?.loss ?? NaN },
    val: { text: lastEval ? formatLoss(lastEval.val) : NONE, value: lastEval?.val ?? NaN },
    valStep: { text: lastEval ? `at step ${count(lastEval.step)}` : 'not evaluated yet', value: lastEval?.step ?? NaN },
    tokens: { text: formatRate(tokens), value: tokens },
    stepTime: { text: Number.isFinite(stepMs) ? `${formatMs(stepMs)} ms` : NONE, value: stepMs },
    eta: { text: etaSec === 0 ? '0s' : formatDuration(etaSec), value: etaSec },
  };
}

/** The loss chart's text alternative: where the run is and what the losses are doing. */
export function chartSummary(steps: readonly StepReport[], evals: readonly EvalReport[], smoothed: readonly number[], maxSteps: number): string {
  const last = steps.at(-1);
  if (!last) {
    const e = evals.at(-1);
    return e ? `Loss chart: validation loss ${formatLoss(e.val)} at step ${count(e.step)}.` : 'Loss chart, empty. Press Train to start: the loss appears here.';
  }
  const parts = [`Loss chart, step ${count(last.step)} of ${count(maxSteps)}: train loss ${formatLoss(last.loss)}`];
  const s = smoothed.at(-1);
  if (s !== undefined && Number.isFinite(s)) parts[0] += ` (smoothed ${formatLoss(s)})`;
  const first = steps.find((r) => Number.isFinite(r.loss));
  if (first && first !== last && Number.isFinite(last.loss)) {
    parts[0] += `, ${last.loss <= first.loss ? 'down' : 'up'} from ${formatLoss(first.loss)} at step ${count(first.step)}`;
  }
  const e = evals.at(-1);
  if (e) parts.push(`validation loss ${formatLoss(e.val)} at step ${count(e.step)}`);
  return `${parts.join('; ')}.`;
}
