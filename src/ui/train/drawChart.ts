// Paints the loss chart on a 2D canvas from a ChartModel: grid and ticks, learning-rate marks,
// the raw and smoothed train loss, validation points, and the hovered step. No layout
// decisions here beyond text placement: chartModel.ts owns the geometry.
import type { LrMark } from '../../state/metrics';
import type { EvalReport, StepReport } from '../../core/protocol';
import { placeLabels, type ChartModel } from './chartModel';
import { formatLr } from './format';
import { decimateColumns, type PxPoint } from './series';

export interface ChartColors {
  text: string;
  muted: string;
  border: string;
  panel: string;
  accent: string;
  val: string;
  err: string;
}

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
}

export const FONT = '11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const MARK_ROWS = 2;
const MARK_ROW_PX = 14;

/** Strokes a polyline, lifting the pen at gaps (y NaN). */
function strokePath(ctx: CanvasRenderingContext2D, pts: readonly PxPoint[]): void {
  ctx.beginPath();
  let pen = false;
  for (const p of pts) {
    if (!Number.isFinite(p.y)) {
      pen = false;
      continue;
    }
    if (pen) ctx.lineTo(p.x, p.y);
    else ctx.moveTo(p.x, p.y);
    pen = true;
  }
  ctx.stroke();
}

/** Crisp 1-px lines: device pixels sit at half coordinates. */
const crisp = (v: number) => Math.round(v) + 0.5;

function drawAxes(ctx: CanvasRenderingContext2D, f: ChartFrame): void {
  const { plot, x, y, xTicks, yTicks, log } = f.model;
  const c = f.colors;
  ctx.lineWidth = 1;
  ctx.strokeStyle = c.border;
  ctx.fillStyle = c.muted;
  ctx.font = FONT;
  ctx.beginPath();
  for (const t of yTicks) {
    const py = crisp(y(t.value));
    ctx.moveTo(plot.left, py);
    ctx.lineTo(plot.right, py);
  }
  for (const t of xTicks) {
    const px = crisp(x(t.value));
    ctx.moveTo(px, plot.top);
    ctx.lineTo(px, plot.bottom);
  }
  ctx.stroke();

  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const t of yTicks) ctx.fillText(t.label, plot.left - 6, y(t.value));
  ctx.textBaseline = 'top';
  xTicks.forEach((t, i) => {
    // The end labels are aligned inwards so they never hang outside the canvas.
    ctx.textAlign = i === 0 ? 'left' : i === xTicks.length - 1 && x(t.value) > plot.right - 20 ? 'right' : 'center';
    ctx.fillText(t.label, x(t.value), plot.bottom + 5);
  });

  ctx.strokeStyle = c.muted;
  ctx.beginPath();
  ctx.moveTo(crisp(plot.left), plot.top);
  ctx.lineTo(crisp(plot.left), crisp(plot.bottom));
  ctx.lineTo(plot.right, crisp(plot.bottom));
  ctx.stroke();

  ctx.fillStyle = c.text;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'bottom';
  ctx.fillText('step', (plot.left + plot.right) / 2, f.height - 2);
  ctx.save();
  ctx.translate(12, (plot.top + plot.bottom) / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textBaseline = 'middle';
  ctx.fillText(log ? 'loss (log scale)' : 'loss', 0, 0);
  ctx.restore();
}

/** Dashed learning-rate lines and the divergence line, drawn under the curves. */
function drawMarkLines(ctx: CanvasRenderingContext2D, f: ChartFrame): void {
  const { plot, x } = f.model;
  ctx.setLineDash([4, 3]);
  ctx.strokeStyle = f.colors.muted;
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (const m of f.marks) {
    const px = crisp(x(m.step));
    ctx.moveTo(px, plot.top);
    ctx.lineTo(px, plot.bottom);
  }
  ctx.stroke();
  ctx.setLineDash([]);
  if (f.divergedAt !== null) {
    const px = crisp(x(f.divergedAt));
    ctx.strokeStyle = f.colors.err;
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.moveTo(px, plot.top);
    ctx.lineTo(px, plot.bottom);
    ctx.stroke();
  }
}

/** The marks' labels, drawn over the curves so a spike cannot hide them. */
function drawMarkLabels(ctx: CanvasRenderingContext2D, f: ChartFrame): void {
  const { plot, x } = f.model;
  const c = f.colors;
  ctx.font = FONT;
  const xs = f.marks.map((m) => crisp(x(m.step)));
  const labels = f.marks.map((m) => `lr ${formatLr(m.lr)}`);
  const widths = labels.map((l) => ctx.measureText(l).width + 6);
  const rows = placeLabels(xs, widths, MARK_ROWS);
  ctx.textAlign = 'left';
  ctx.textBaseline = 'top';
  labels.forEach((label, i) => {
    if (rows[i] < 0) return;
    const ty = plot.top + 2 + rows[i] * MARK_ROW_PX;
    // A panel-coloured backing keeps the label readable over the curves.
    ctx.fillStyle = c.panel;
    ctx.fillRect(xs[i] + 1, ty - 1, widths[i] - 2, MARK_ROW_PX - 1);
    ctx.fillStyle = c.text;
    ctx.fillText(label, xs[i] + 3, ty);
  });
  if (f.divergedAt !== null) {
    const px = crisp(x(f.divergedAt));
    const right = px > plot.right - 70;
    ctx.fillStyle = c.err;
    ctx.textBaseline = 'bottom';
    ctx.textAlign = right ? 'right' : 'left';
    ctx.fillText('loss NaN', px + (right ? -4 : 4), plot.bottom - 4);
  }
}

function dot(ctx: CanvasRenderingContext2D, px: number, py: number, r: number, fill: string, ring: string): void {
  if (!Number.isFinite(py)) return;
  ctx.beginPath();
  ctx.arc(px, py, r, 0, Math.PI * 2);
  ctx.fillStyle = fill;
  ctx.fill();
  ctx.lineWidth = 1.5;
  ctx.strokeStyle = ring;
  ctx.stroke();
}

function drawSeries(ctx: CanvasRenderingContext2D, f: ChartFrame): void {
  const { x, y } = f.model;
  const c = f.colors;
  const { steps, smoothed, evals } = f;
  ctx.lineJoin = 'round';
  ctx.strokeStyle = c.accent;
  ctx.globalAlpha = 0.3;
  ctx.lineWidth = 1;
  strokePath(ctx, decimateColumns(steps.length, (i) => x(steps[i].step), (i) => y(steps[i].loss)));
  ctx.globalAlpha = 1;
  ctx.lineWidth = 2;
  strokePath(ctx, decimateColumns(steps.length, (i) => x(steps[i].step), (i) => y(smoothed[i])));

  ctx.strokeStyle = c.val;
  ctx.lineWidth = 1.5;
  strokePath(ctx, evals.map((e) => ({ x: x(e.step), y: y(e.val) })));
  // Points only while they are few enough to read as points.
  if (evals.length <= 200) for (const e of evals) dot(ctx, x(e.step), y(e.val), 3, c.val, c.panel);
}

function drawHover(ctx: CanvasRenderingContext2D, f: ChartFrame): void {
  if (!f.hover) return;
  const { plot, x, y } = f.model;
  const c = f.colors;
  const px = crisp(x(f.hover.step));
  ctx.strokeStyle = c.muted;
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(px, plot.top);
  ctx.lineTo(px, plot.bottom);
  ctx.stroke();
  const s = f.steps[f.hover.index];
  if (s) {
    dot(ctx, x(s.step), y(s.loss), 3, c.panel, c.accent);
    dot(ctx, x(s.step), y(f.smoothed[f.hover.index]), 4, c.accent, c.panel);
  }
  const e = f.evals[f.hover.evalIndex];
  if (e) dot(ctx, x(e.step), y(e.val), 4.5, c.val, c.text);
}

export function drawChart(ctx: CanvasRenderingContext2D, f: ChartFrame): void {
  ctx.setTransform(f.dpr, 0, 0, f.dpr, 0, 0);
  ctx.clearRect(0, 0, f.width, f.height);
  drawAxes(ctx, f);
  const { plot } = f.model;
  ctx.save();
  ctx.beginPath();
  // A few pixels of slack so points on the domain's edge are not cut in half.
  ctx.rect(plot.left, plot.top - 5, plot.right - plot.left + 5, plot.bottom - plot.top + 5);
  ctx.clip();
  drawMarkLines(ctx, f);
  drawSeries(ctx, f);
  drawMarkLabels(ctx, f);
  drawHover(ctx, f);
  ctx.restore();
}
