// The loss chart's geometry: plot area inside the canvas, domains, scales and ticks, and where
// the learning-rate labels go. Computed from the data and the canvas size alone (no canvas),
// so the layout maths is unit-tested; drawChart.ts only paints what this decides.
import { formatLinearTick, formatLogTick, formatStepTick } from './format';
import { linearScale, linearTicks, logDomain, logScale, logTicks, niceDomain, robustRange, sharedDecimals, stepAxisEnd, type Scale } from './scales';

/** Room for the y tick labels (left, at least), the x tick labels and axis title (bottom). */
export const MARGIN = { left: 52, right: 14, top: 10, bottom: 38 } as const;
/** Left of the y tick labels: the rotated axis title and a gap. */
const Y_TITLE_PX = 26;
/** Pixels per tick the axes aim for. */
const X_TICK_PX = 90;
const Y_TICK_PX = 40;

/** Pixels between log-axis ticks, at least: they are uneven, so they may come denser. */
const LOG_TICK_PX = 30;

export interface Tick {
  value: number;
  label: string;
}

/** One run's curves as the chart's scales see them. */
export interface ChartSeries {
  steps: readonly { step: number; loss: number }[];
  evals: readonly { step: number; val: number }[];
}

export interface ChartModel {
  plot: { left: number; top: number; right: number; bottom: number };
  x: Scale;
  y: Scale;
  xTicks: Tick[];
  yTicks: Tick[];
  log: boolean;
  /** The last step on the x axis. */
  xMax: number;
  /** The run's planned last step (train.maxSteps), and whether it lies on the axis (else beyond it). */
  planned: { step: number; onAxis: boolean };
  /** The top of the y domain: a value above it is an outlier, drawn clamped at the top edge. */
  yTop: number;
  /** How many points (train losses and val losses, of every run) lie above yTop, and the largest. */
  above: { count: number; max: number };
}

export interface ChartInput extends ChartSeries {
  width: number;
  height: number;
  /** Other runs drawn on the same axes (runs being compared). */
  others?: readonly ChartSeries[];
  maxSteps: number;
  log: boolean;
  /** Width of a tick label in pixels (the canvas's measureText); default: ~6.5 px a character. */
  labelWidth?: (label: string) => number;
}

/** The curves the y axis must fit: each run's train losses and val losses, each in step order. */
function curvesOf(runs: readonly ChartSeries[]): number[][] {
  return runs.flatMap((r) => [r.steps.map((s) => s.loss), r.evals.map((e) => e.val)]);
}

/**
 * The losses' range for the y axis: robust to outliers (scales.ts robustRange), ignoring
 * non-finite values and, on a log axis, values ≤ 0; null with nothing to show.
 */
export function lossExtent(runs: readonly ChartSeries[], log: boolean): { lo: number; hi: number; clipped: boolean } | null {
  return robustRange(curvesOf(runs), log);
}

/** The last step any run reached (train or val), 0 before any. */
export function lastStepOf(runs: readonly ChartSeries[]): number {
  let last = 0;
  for (const r of runs) last = Math.max(last, r.steps.at(-1)?.step ?? 0, r.evals.at(-1)?.step ?? 0);
  return last;
}

/** Points above `top` (finite ones: a NaN is a gap, not an outlier), and the largest of them. */
export function countAbove(runs: readonly ChartSeries[], top: number): { count: number; max: number } {
  let count = 0;
  let max = -Infinity;
  for (const c of curvesOf(runs)) {
    for (const v of c) {
      if (Number.isFinite(v) && v > top) {
        count++;
        max = Math.max(max, v);
      }
    }
  }
  return { count, max };
}

export function buildChartModel(input: ChartInput): ChartModel {
  const { width, height, maxSteps, log, labelWidth = (l: string) => l.length * 6.5 } = input;
  const runs: ChartSeries[] = [input, ...(input.others ?? [])];
  const top = MARGIN.top;
  const bottom = Math.max(top + 1, height - MARGIN.bottom);

  // y first: its tick labels decide how much room the left margin needs (an exploding loss
  // has labels like "1.5e118").
  // Three ticks at least: a short chart still shows where its curves lie.
  const yCount = Math.max(3, Math.floor((bottom - top) / Y_TICK_PX));
  // Before any data: a plausible loss range (a character model starts near ln 65 ≈ 4.2).
  const range = lossExtent(runs, log) ?? { lo: 1, hi: 5, clipped: false };
  let y: Scale;
  let yTicks: Tick[];
  let yTop: number;
  if (log) {
    const [d0, d1] = logDomain(range.lo, range.hi);
    y = logScale(d0, d1, bottom, top);
    yTop = d1;
    const ticks = logTicks(d0, d1, Math.max(3, Math.floor((bottom - top) / LOG_TICK_PX) + 1));
    // Within a decade the ticks are plain numbers: give them one number of decimals.
    const decimals = d1 / d0 < 10 ? sharedDecimals(ticks) : -1;
    yTicks = ticks.map((v) => ({ value: v, label: decimals >= 0 ? v.toFixed(decimals) : formatLogTick(v) }));
  } else {
    const [d0, d1] = niceDomain(range.lo, range.hi, yCount);
    y = linearScale(d0, d1, bottom, top);
    yTop = d1;
    const { ticks, step } = linearTicks(d0, d1, yCount);
    yTicks = ticks.map((v) => ({ value: v, label: formatLinearTick(v, step) }));
  }
  const widest = Math.max(0, ...yTicks.map((t) => labelWidth(t.label)));
  const left = Math.min(Math.max(MARGIN.left, Math.ceil(widest) + Y_TITLE_PX), Math.max(MARGIN.left, width / 3));
  const plot = { left, top, right: Math.max(left + 1, width - MARGIN.right), bottom };

  // The x axis fits the steps done (with headroom, growing in round jumps), not the steps
  // planned: two minutes of a two-hour run fill the width. The planned end is marked.
  const xMax = stepAxisEnd(lastStepOf(runs), maxSteps);
  const x = linearScale(0, xMax, plot.left, plot.right);
  const xCount = Math.max(2, Math.floor((plot.right - plot.left) / X_TICK_PX));
  const xTicks = linearTicks(0, xMax, xCount).ticks.map((v) => ({ value: v, label: formatStepTick(v) }));
  const planned = { step: maxSteps, onAxis: maxSteps <= xMax };
  return { plot, x, y, xTicks, yTicks, log, xMax, planned, yTop, above: countAbove(runs, yTop) };
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
