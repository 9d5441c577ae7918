// Training metrics arrive every step: they live in a vanilla zustand store that the chart
// and the stat readouts subscribe to transiently, so a step never re-renders the React tree.
import { createStore } from 'zustand/vanilla';
import type { EvalReport, StepReport } from '../core/protocol';

export interface LrMark {
  step: number;
  lr: number;
}

export interface MetricsState {
  steps: StepReport[];
  evals: EvalReport[];
  /** Steps at which the user changed the learning rate during a run (marked on the chart). */
  lrMarks: LrMark[];
  /** Bumped on every change, so subscribers can compare one number. */
  version: number;
}

export const metricsStore = createStore<MetricsState>()(() => ({ steps: [], evals: [], lrMarks: [], version: 0 }));

export function pushStep(r: StepReport): void {
  const s = metricsStore.getState();
  // A step at or before the last one means the run went back (weights restored after a NaN):
  // the history after that point is replaced.
  const last = s.steps.at(-1)?.step ?? 0;
  const steps = r.step <= last ? s.steps.filter((x) => x.step < r.step) : s.steps;
  steps.push(r);
  const evals = r.step <= last ? s.evals.filter((e) => e.step < r.step) : s.evals;
  metricsStore.setState({ steps, evals, version: s.version + 1 });
}

export function pushEval(r: EvalReport): void {
  const s = metricsStore.getState();
  metricsStore.setState({ evals: [...s.evals.filter((e) => e.step !== r.step), r], version: s.version + 1 });
}

export function markLr(step: number, lr: number): void {
  const s = metricsStore.getState();
  metricsStore.setState({ lrMarks: [...s.lrMarks, { step, lr }], version: s.version + 1 });
}

/**
 * The run went back to the weights of `step` (restored after a divergence or a GPU reset):
 * the history after it is dropped, so the chart shows the run that continues, and the
 * non-finite or exploding points no longer stretch its axis.
 */
export function rewindMetrics(step: number): void {
  const s = metricsStore.getState();
  if (!s.steps.some((x) => x.step > step) && !s.evals.some((e) => e.step > step) && !s.lrMarks.some((m) => m.step > step)) return;
  metricsStore.setState({
    steps: s.steps.filter((x) => x.step <= step),
    evals: s.evals.filter((e) => e.step <= step),
    lrMarks: s.lrMarks.filter((m) => m.step <= step),
    version: s.version + 1,
  });
}

export function resetMetrics(): void {
  metricsStore.setState({ steps: [], evals: [], lrMarks: [], version: metricsStore.getState().version + 1 });
}
