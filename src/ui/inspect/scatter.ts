// Layout maths of the embeddings scatter: data coordinates to pixels (each axis fitted to the
// plot), the point under the pointer, and which labels can be drawn without overlapping.

export interface Point {
  x: number;
  y: number;
}

export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface Frame {
  /** The data range shown on each axis. */
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
  /** Where the plot is drawn, in pixels. */
  plot: Box;
}

/** A data range with a margin, never empty (one point, or all on a line, still gets a range). */
function range(values: number[], margin: number): [number, number] {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return [-1, 1];
  let lo = Math.min(...finite);
  let hi = Math.max(...finite);
  if (hi - lo < 1e-12) {
    lo -= 1;
    hi += 1;
  }
  const m = (hi - lo) * margin;
  return [lo - m, hi + m];
}

/** Fits the points into `plot`, each axis on its own, with 5% to spare at every edge. */
export function scatterFrame(points: readonly Point[], plot: Box): Frame {
  const [xMin, xMax] = range(points.map((p) => p.x), 0.05);
  const [yMin, yMax] = range(points.map((p) => p.y), 0.05);
  return { xMin, xMax, yMin, yMax, plot };
}

/** A point's pixel position; y grows upwards in the data and downwards on screen. */
export function toPixel(f: Frame, p: Point): Point {
  return {
    x: f.plot.left + ((p.x - f.xMin) / (f.xMax - f.xMin)) * f.plot.width,
    y: f.plot.top + (1 - (p.y - f.yMin) / (f.yMax - f.yMin)) * f.plot.height,
  };
}

/** Index of the point drawn nearest (px, py), if within `maxDist` pixels; -1 otherwise. */
export function nearestPoint(f: Frame, points: readonly Point[], px: number, py: number, maxDist: number): number {
  let best = -1;
  let bestD = maxDist * maxDist;
  points.forEach((p, i) => {
    const q = toPixel(f, p);
    const d = (q.x - px) ** 2 + (q.y - py) ** 2;
    if (d <= bestD) {
      best = i;
      bestD = d;
    }
  });
  return best;
}

/**
 * Which labels to draw: each centred above its point, in the order given (the first win),
 * skipping one that would overlap a label already placed or leave the canvas.
 */
export function placeLabels(at: readonly Point[], widths: readonly number[], height: number, canvas: { width: number; height: number }): boolean[] {
  const placed: Box[] = [];
  return at.map((p, i) => {
    const box = { left: p.x - widths[i] / 2, top: p.y - height - 3, width: widths[i], height };
    if (box.left < 0 || box.top < 0 || box.left + box.width > canvas.width || box.top + box.height > canvas.height) return false;
    const hit = placed.some((b) => box.left < b.left + b.width && b.left < box.left + box.width && box.top < b.top + b.height && b.top < box.top + box.height);
    if (hit) return false;
    placed.push(box);
    return true;
  });
}

/** "PC1 · 23% of the variance". */
export const axisTitle = (n: number, fraction: number): string =>
  `PC${n}${Number.isFinite(fraction) ? ` · ${Math.round(fraction * 100)}% of the variance` : ''}`;
