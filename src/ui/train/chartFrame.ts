// What one frame of the loss chart is drawn from: the model (geometry), the data, the hovered
// step and the theme's colours; and the small helpers every painter of it shares.
import type { ComparedRun } from '../../state/compare';
import type { LrMark } from '../../state/metrics';
import type { EvalReport, StepReport } from '../../core/protocol';
import type { ChartModel } from './chartModel';
import { COMPARE_SLOTS } from './compareChart';

export interface ChartColors {
  text: string;
  muted: string;
  border: string;
  panel: string;
  accent: string;
  val: string;
  err: string;
  /** The compared runs' palette (colour-blind safe), COMPARE_SLOTS colours. */
  compare: string[];
}

/** Okabe–Ito colours, darker or lighter to read on the panel: the fallbacks of --train-cmp-N. */
const COMPARE_FALLBACK = ['#007a5a', '#c0398a', '#2f87c0', '#8a6d00', '#55555f'];

/** The theme's colours, from the CSS variables in effect at el (styles.css, train.css). */
export function readColors(el: Element): ChartColors {
  const css = getComputedStyle(el);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    text: v('--text', '#1b1b23'),
    muted: v('--muted', '#5d5d6e'),
    border: v('--border', '#dcdce4'),
    panel: v('--panel', '#ffffff'),
    accent: v('--accent', '#4b3bb0'),
    val: v('--train-val', '#c05a12'),
    err: v('--err', '#a3262a'),
    compare: Array.from({ length: COMPARE_SLOTS }, (_, i) => v(`--train-cmp-${i + 1}`, COMPARE_FALLBACK[i])),
  };
}

export interface ChartFrame {
  model: ChartModel;
  width: number;
  height: number;
  dpr: number;
  steps: readonly StepReport[];
  smoothed: readonly number[];
  evals: readonly EvalReport[];
  marks: readonly LrMark[];
  /** First step whose loss was not finite (the run diverged there), or null. */
  divergedAt: number | null;
  hover: { step: number; index: number; evalIndex: number } | null;
  colors: ChartColors;
  /** Other runs drawn beneath this one, each in its own colour. */
  compared: readonly { run: ComparedRun; smoothed: readonly number[]; color: string }[];
}

export const FONT = '11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
/** Height of a row of labels inside the plot (learning-rate marks, notes). */
export const MARK_ROW_PX = 14;

/** Crisp 1-px lines: device pixels sit at half coordinates. */
export const crisp = (v: number) => Math.round(v) + 0.5;

/** The y of a loss, clamped to the top edge above the domain; NaN (a gap) when not finite. */
export function yOf(f: ChartFrame): (v: number) => number {
  const { y, yTop } = f.model;
  return (v) => (Number.isFinite(v) ? y(Math.min(v, yTop)) : NaN);
}
