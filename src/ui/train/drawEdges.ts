// The loss chart's edges: the planned end (a faint line where it lies on the axis, a label in
// the axis title's row or beside the line) and the outliers drawn clamped at the top edge (a
// triangle over each, and a note saying how many).
import { crisp, FONT, MARK_ROW_PX, type ChartFrame } from './chartFrame';
import { aboveNote } from './compareChart';
import { formatStepTick } from './format';
import { markerColumns } from './series';

/**
 * The planned end in the axis title's row: under its line when it is on the axis, else at
 * the right edge with an arrow ("planned end: step 2,000 →"); shortened, or left out, where
 * it would cover the axis title (between `titleLeft` and `titleRight`). Returns whether it was drawn.
 */
export function drawPlannedLabel(ctx: CanvasRenderingContext2D, f: ChartFrame, titleLeft: number, titleRight: number): boolean {
  const { plot, x, planned } = f.model;
  const n = planned.step.toLocaleString('en-US');
  const texts = planned.onAxis ? ['planned end', 'end'] : [`planned end: step ${n} →`, `${formatStepTick(planned.step)} planned →`];
  ctx.fillStyle = f.colors.muted;
  ctx.textBaseline = 'bottom';
  ctx.textAlign = 'left';
  for (const text of texts) {
    const w = ctx.measureText(text).width;
    // Centred under the line but kept inside the canvas; beyond the axis: flush right.
    const right = planned.onAxis ? Math.min(f.width - 2, x(planned.step) + w / 2) : plot.right;
    const left = Math.max(2, right - w);
    if (left + w > titleLeft && left < titleRight) continue;
    ctx.fillText(text, left, f.height - 2);
    return true;
  }
  return false;
}

/**
 * The planned end's label inside the plot, left of its line, on a panel-coloured backing: for
 * when the title row has no room. Third row from the top: the learning-rate labels take the
 * first two, and the outlier note the first at the right.
 */
export function drawPlannedTopLabel(ctx: CanvasRenderingContext2D, f: ChartFrame): void {
  const { plot, x, planned } = f.model;
  const text = 'planned end';
  ctx.font = FONT;
  const w = ctx.measureText(text).width;
  const left = Math.max(plot.left + 2, x(planned.step) - w - 6);
  const top = plot.top + 2 + 2 * MARK_ROW_PX;
  if (top + MARK_ROW_PX > plot.bottom) return;
  ctx.fillStyle = f.colors.panel;
  ctx.fillRect(left - 2, top - 1, w + 4, MARK_ROW_PX - 1);
  ctx.fillStyle = f.colors.muted;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'top';
  ctx.fillText(text, left, top);
}

/** The planned end as a faint dashed line, when it lies on the axis. */
export function drawPlannedLine(ctx: CanvasRenderingContext2D, f: ChartFrame): void {
  const { plot, x, planned } = f.model;
  if (!planned.onAxis) return;
  const px = Math.min(crisp(x(planned.step)), plot.right - 0.5);
  ctx.save();
  ctx.globalAlpha = 0.7;
  ctx.setLineDash([2, 4]);
  ctx.strokeStyle = f.colors.muted;
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(px, plot.top);
  ctx.lineTo(px, plot.bottom);
  ctx.stroke();
  ctx.restore();
}

/** A small triangle on the top edge over each outlier (drawn clamped there), and the note saying how many. */
export function drawOutliers(ctx: CanvasRenderingContext2D, f: ChartFrame): void {
  const { plot, x, yTop, above } = f.model;
  if (above.count === 0) return;
  const c = f.colors;
  const marks = (color: string, n: number, step: (i: number) => number, value: (i: number) => number) => {
    ctx.fillStyle = color;
    ctx.strokeStyle = c.panel;
    ctx.lineWidth = 1;
    for (const px of markerColumns(n, (i) => x(step(i)), value, yTop)) {
      ctx.beginPath();
      ctx.moveTo(px, plot.top - 6);
      ctx.lineTo(px + 4.5, plot.top + 2);
      ctx.lineTo(px - 4.5, plot.top + 2);
      ctx.closePath();
      ctx.fill();
      ctx.stroke();
    }
  };
  for (const { run, color } of f.compared) {
    marks(color, run.steps.length, (i) => run.steps[i].step, (i) => run.steps[i].loss);
    marks(color, run.evals.length, (i) => run.evals[i].step, (i) => run.evals[i].val);
  }
  marks(c.accent, f.steps.length, (i) => f.steps[i].step, (i) => f.steps[i].loss);
  marks(c.val, f.evals.length, (i) => f.evals[i].step, (i) => f.evals[i].val);

  const note = `▲ ${aboveNote(above)}`;
  ctx.font = FONT;
  const w = ctx.measureText(note).width;
  const left = Math.max(plot.left + 4, plot.right - 6 - w);
  ctx.fillStyle = c.panel;
  ctx.fillRect(left - 3, plot.top + 4, w + 6, MARK_ROW_PX + 1);
  ctx.fillStyle = c.text;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'top';
  ctx.fillText(note, left, plot.top + 6);
}
