// Paints the loss chart on a 2D canvas from a ChartModel: grid and ticks, learning-rate marks,
// the planned end, the compared runs, the raw and smoothed train loss, validation points,
// outliers clamped at the top edge, and the hovered step. No layout decisions here beyond
// text placement: chartModel.ts owns the geometry.
import { placeLabels } from './chartModel';
import { crisp, FONT, MARK_ROW_PX, yOf, type ChartFrame } from './chartFrame';
import { drawOutliers, drawPlannedLabel, drawPlannedLine, drawPlannedTopLabel } from './drawEdges';
import { formatLr } from './format';
import { decimateColumns, lastAtOrBefore, type PxPoint } from './series';

export { FONT, readColors, type ChartColors, type ChartFrame } from './chartFrame';

const MARK_ROWS = 2;

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

/** Dash of a compared run's val line: its train line is solid. */
const VAL_DASH = [6, 4];

/** Draws the axes; returns whether the planned end's label found room in the title row. */
function drawAxes(ctx: CanvasRenderingContext2D, f: ChartFrame): boolean {
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
  const mid = (plot.left + plot.right) / 2;
  ctx.fillText('step', mid, f.height - 2);
  const half = ctx.measureText('step').width / 2 + 10;
  const placed = drawPlannedLabel(ctx, f, mid - half, mid + half);
  ctx.save();
  ctx.translate(12, (plot.top + plot.bottom) / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textBaseline = 'middle';
  // The longest title that fits beside a short plot.
  const titles = log ? ['loss (log scale)', 'loss (log)', 'log loss'] : ['loss'];
  ctx.fillText(titles.find((t) => ctx.measureText(t).width <= plot.bottom - plot.top) ?? titles[titles.length - 1], 0, 0);
  ctx.restore();
  return placed;
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

/** The compared runs, under the current one: smoothed train loss solid, val loss dashed. */
function drawCompared(ctx: CanvasRenderingContext2D, f: ChartFrame): void {
  const { x } = f.model;
  const yc = yOf(f);
  ctx.lineJoin = 'round';
  for (const { run, smoothed, color } of f.compared) {
    ctx.strokeStyle = color;
    ctx.lineWidth = 2;
    strokePath(ctx, decimateColumns(run.steps.length, (i) => x(run.steps[i].step), (i) => yc(smoothed[i])));
    ctx.lineWidth = 1.5;
    ctx.setLineDash(VAL_DASH);
    strokePath(ctx, run.evals.map((e) => ({ x: x(e.step), y: yc(e.val) })));
    ctx.setLineDash([]);
  }
}

function drawSeries(ctx: CanvasRenderingContext2D, f: ChartFrame): void {
  const { x } = f.model;
  const yc = yOf(f);
  const c = f.colors;
  const { steps, smoothed, evals } = f;
  ctx.lineJoin = 'round';
  ctx.strokeStyle = c.accent;
  ctx.globalAlpha = 0.3;
  ctx.lineWidth = 1;
  strokePath(ctx, decimateColumns(steps.length, (i) => x(steps[i].step), (i) => yc(steps[i].loss)));
  ctx.globalAlpha = 1;
  ctx.lineWidth = 2;
  strokePath(ctx, decimateColumns(steps.length, (i) => x(steps[i].step), (i) => yc(smoothed[i])));

  ctx.strokeStyle = c.val;
  ctx.lineWidth = 1.5;
  strokePath(ctx, evals.map((e) => ({ x: x(e.step), y: yc(e.val) })));
  // Points only while they are few enough to read as points.
  if (evals.length <= 200) for (const e of evals) dot(ctx, x(e.step), yc(e.val), 3, c.val, c.panel);
}

function drawHover(ctx: CanvasRenderingContext2D, f: ChartFrame): void {
  if (!f.hover) return;
  const { plot, x } = f.model;
  const c = f.colors;
  const px = crisp(x(f.hover.step));
  ctx.strokeStyle = c.muted;
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(px, plot.top);
  ctx.lineTo(px, plot.bottom);
  ctx.stroke();
  const yc = yOf(f);
  for (const { run, smoothed, color } of f.compared) {
    const i = lastAtOrBefore(run.steps, (r) => r.step, f.hover.step);
    if (i >= 0) dot(ctx, x(run.steps[i].step), yc(smoothed[i]), 3.5, color, c.panel);
  }
  const s = f.steps[f.hover.index];
  if (s) {
    dot(ctx, x(s.step), yc(s.loss), 3, c.panel, c.accent);
    dot(ctx, x(s.step), yc(f.smoothed[f.hover.index]), 4, c.accent, c.panel);
  }
  const e = f.evals[f.hover.evalIndex];
  if (e) dot(ctx, x(e.step), yc(e.val), 4.5, c.val, c.text);
}

export function drawChart(ctx: CanvasRenderingContext2D, f: ChartFrame): void {
  ctx.setTransform(f.dpr, 0, 0, f.dpr, 0, 0);
  ctx.clearRect(0, 0, f.width, f.height);
  const plannedLabelled = drawAxes(ctx, f);
  const { plot } = f.model;
  ctx.save();
  ctx.beginPath();
  // A few pixels of slack so points on the domain's edge are not cut in half.
  ctx.rect(plot.left, plot.top - 5, plot.right - plot.left + 5, plot.bottom - plot.top + 5);
  ctx.clip();
  drawPlannedLine(ctx, f);
  drawMarkLines(ctx, f);
  drawCompared(ctx, f);
  drawSeries(ctx, f);
  drawMarkLabels(ctx, f);
  if (!plannedLabelled && f.model.planned.onAxis) drawPlannedTopLabel(ctx, f);
  drawHover(ctx, f);
  ctx.restore();
  // Outside the clip: the triangles poke above the plot's top edge.
  drawOutliers(ctx, f);
}
