// Layout maths of the Attention panel: how big the layer × head tiles and the enlarged head
// are for the width available, which cell the pointer is over, how the keyboard cursor moves,
// and which token labels fit on the axes. Pure, so it is unit-tested without a browser.

export interface Cell {
  /** Query position (the heatmap row). */
  row: number;
  /** Key position (the heatmap column). */
  col: number;
}

export interface GridLayout {
  /** Side of one head's heatmap tile, CSS px. */
  tile: number;
  /** Width of the "Layer n" label column. */
  labelWidth: number;
  gap: number;
  /** Total width of the grid; wider than the container only when `scroll`. */
  width: number;
  /** The tiles would be too small to read: the grid keeps its minimum and scrolls sideways. */
  scroll: boolean;
}

export const GRID = { labelWidth: 54, gap: 6, minTile: 40, maxTile: 128 } as const;

/** Tiles as large as fit side by side in `containerWidth`, within [minTile, maxTile]. */
export function headGridLayout(containerWidth: number, nHead: number, o: typeof GRID = GRID): GridLayout {
  const heads = Math.max(1, nHead);
  const free = containerWidth - o.labelWidth - o.gap * heads;
  const fit = Math.floor(free / heads);
  const tile = Math.max(o.minTile, Math.min(o.maxTile, fit));
  const width = o.labelWidth + heads * (tile + o.gap);
  return { tile, labelWidth: o.labelWidth, gap: o.gap, width, scroll: width > containerWidth + 0.5 };
}

export interface FocusLayout {
  /** Side of the square plot, CSS px. */
  size: number;
  /** Side of one cell, CSS px (fractional). */
  cell: number;
  /** Width reserved for the query labels on the left, and height for the key labels below. */
  yLabelWidth: number;
  xLabelHeight: number;
  /** Every n-th token is labelled so labels never overlap. */
  labelStride: number;
}

export const FOCUS = { yLabelWidth: 64, xLabelHeight: 64, minSize: 160, maxSize: 520, minLabelGap: 14 } as const;

/** The enlarged head: as big as the container allows (within limits), labels thinned to fit. */
export function focusLayout(containerWidth: number, T: number, o: typeof FOCUS = FOCUS): FocusLayout {
  const size = Math.floor(Math.max(o.minSize, Math.min(o.maxSize, containerWidth - o.yLabelWidth - 8)));
  const cell = size / Math.max(1, T);
  return { size, cell, yLabelWidth: o.yLabelWidth, xLabelHeight: o.xLabelHeight, labelStride: labelStride(cell, o.minLabelGap) };
}

/** Label every n-th of cells `cellPx` apart so labels are at least `minGap` px apart. */
export function labelStride(cellPx: number, minGap: number): number {
  if (!(cellPx > 0)) return 1;
  return Math.max(1, Math.ceil(minGap / cellPx - 1e-9));
}

/** Whether token i gets a label: on the stride, or highlighted (the cursor's row or column). */
export const showsLabel = (i: number, stride: number, highlighted: readonly (number | null | undefined)[]): boolean =>
  i % stride === 0 || highlighted.includes(i);

/** The cell under a point (x, y) of a square plot of side `size` CSS px; null outside it. */
export function cellAt(x: number, y: number, size: number, T: number): Cell | null {
  if (!(size > 0) || T < 1 || x < 0 || y < 0 || x >= size || y >= size) return null;
  const clamp = (v: number) => Math.min(T - 1, Math.max(0, Math.floor((v / size) * T)));
  return { row: clamp(y), col: clamp(x) };
}

/**
 * The cursor after a key press in a T×T map, or null when the key is not a navigation key
 * (so the event is left alone). Arrows move one cell, Home/End go to the row's ends,
 * PageUp/PageDown to the first/last row; the cursor stays inside the map.
 */
export function moveCursor(c: Cell, key: string, T: number): Cell | null {
  const last = T - 1;
  const clamp = (v: number) => Math.min(last, Math.max(0, v));
  switch (key) {
    case 'ArrowUp':
      return { row: clamp(c.row - 1), col: c.col };
    case 'ArrowDown':
      return { row: clamp(c.row + 1), col: c.col };
    case 'ArrowLeft':
      return { row: c.row, col: clamp(c.col - 1) };
    case 'ArrowRight':
      return { row: c.row, col: clamp(c.col + 1) };
    case 'Home':
      return { row: c.row, col: 0 };
    case 'End':
      return { row: c.row, col: last };
    case 'PageUp':
      return { row: 0, col: c.col };
    case 'PageDown':
      return { row: last, col: c.col };
    default:
      return null;
  }
}

/** Whether a query may attend to a key: with the causal mask, only itself and the past. */
export const isAllowed = (query: number, key: number, causal: boolean): boolean => !causal || key <= query;

/** Device pixels for a CSS size at a device-pixel ratio, at least 1. */
export const devicePixels = (css: number, dpr: number): number => Math.max(1, Math.round(css * (dpr > 0 ? dpr : 1)));
