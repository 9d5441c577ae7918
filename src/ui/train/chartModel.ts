// The loss chart's geometry: plot area inside the canvas, domains, scales and ticks, and where
// the learning-rate labels go. Computed from the data and the canvas size alone (no canvas),
// so the layout maths is unit-tested; drawChart.ts only paints what this decides.
import type { EvalReport, StepReport } from '../../core/protocol';
import { formatLinearTick, formatLogTick, formatStepTick } from './format';
import { linearScale, linearTicks, logDomain, logScale, logTicks, niceDomain, type Scale } from './scales';

/** Room for the y tick labels (left, at least), the x tick labels and axis title (bottom). */
export const MARGIN = { left: 52, right: 14, top: 10, bottom: 38 } as const;
/** Left of the y tick labels: the rotated axis title and a gap. */
const Y_TITLE_PX = 26;
/** Pixels per tick the axes aim for. */
const X_TICK_PX = 90;
const Y_TICK_PX = 44;

export interface Tick {
  value: number;
  label: string;
}

export interface ChartModel {
  plot: { left: number; top: number; right: number; bottom: number };
  x: Scale;
  y: Scale;
  xTicks: Tick[];
  yTicks: Tick[];
  log: boolean;
}

export interface ChartInput {
  width: number;
  height: number;
  steps: readonly StepReport[];
  evals: readonly EvalReport[];
  maxSteps: number;
  log: boolean;
  /** Width of a tick label in pixels (the canvas's measureText); default: ~6.5 px a character. */
  labelWidth?: (label: string) => number;
}

/** Smallest and largest finite value (and > 0 on a log axis) among the losses shown. */
export function lossExtent(steps: readonly StepReport[], evals: readonly EvalReport[], log: boolean): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  const take = (v: number) => {
    if (!Number.isFinite(v) || (log && v <= 0)) return;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  };
  for (const s of steps) take(s.loss);
  for (const e of evals) take(e.val);
  return lo <= hi ? [lo, hi] : null;
}

export function buildChartModel({ width, height, steps, evals, maxSteps, log, labelWidth = (l) => l.length * 6.5 }: ChartInput): ChartModel {
  const top = MARGIN.top;
  const bottom = Math.max(top + 1, height - MARGIN.bottom);

  // y first: its tick labels decide how much room the left margin needs (an exploding loss
  // has labels like "1.5e118").
  const yCount = Math.max(2, Math.floor((bottom - top) / Y_TICK_PX));
  // Before any data: a plausible loss range (a character model starts near ln 65 ≈ 4.2).
  const extent = lossExtent(steps, evals, log) ?? [1, 5];
  let y: Scale;
  let yTicks: Tick[];
  if (log) {
    const [d0, d1] = logDomain(extent[0], extent[1]);
    y = logScale(d0, d1, bottom, top);
    yTicks = logTicks(d0, d1, yCount + 1).map((v) => ({ value: v, label: formatLogTick(v) }));
  } else {
    const [d0, d1] = niceDomain(extent[0], extent[1], yCount);
    y = linearScale(d0, d1, bottom, top);
    const { ticks, step } = linearTicks(d0, d1, yCount);
    yTicks = ticks.map((v) => ({ value: v, label: formatLinearTick(v, step) }));
  }
  const widest = Math.max(0, ...yTicks.map((t) => labelWidth(t.label)));
  const left = Math.min(Math.max(MARGIN.left, Math.ceil(widest) + Y_TITLE_PX), Math.max(MARGIN.left, width / 3));
  const plot = { left, top, right: Math.max(left + 1, width - MARGIN.right), bottom };

  // The x axis spans the whole run, so the curve grows left to right, the remaining steps
  // stay visible and a hovered step stays put as data arrives.
  const lastStep = Math.max(steps.at(-1)?.step ?? 0, evals.at(-1)?.step ?? 0);
  const xMax = Math.max(1, maxSteps, lastStep);
  const x = linearScale(0, xMax, plot.left, plot.right);
  const xCount = Math.max(2, Math.floor((plot.right - plot.left) / X_TICK_PX));
  const xTicks = linearTicks(0, xMax, xCount).ticks.map((v) => ({ value: v, label: formatStepTick(v) }));
  return { plot, x, y, xTicks, yTicks, log };
}

/**
 * Rows (0, 1, ...) for labels at pixel positions xs with the given widths, so that labels in
 * one row do not overlap; -1 for a label that fits in no row (it is left out). xs ascending.
 */
export function placeLabels(xs: readonly number[], widths: readonly number[], rows: number, gap = 6): number[] {
  const rowEnd = new Array<number>(rows).fill(-Infinity);
  return xs.map((x, i) => {
    const row = rowEnd.findIndex((end) => x >= end + gap);
    if (row >= 0) rowEnd[row] = x + widths[i];
    return row;
  });
}

/** Where a tooltip of size (w, h) goes beside point px: right of it, or left if it would overflow. */
export function tooltipPosition(px: number, w: number, containerWidth: number, offset = 12): number {
  const right = px + offset;
  if (right + w <= containerWidth) return right;
  return Math.max(0, px - offset - w);
}
