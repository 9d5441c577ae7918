// The canvases of the Attention panel: one head's map (a tile of the grid, or enlarged), the
// causal mask, and the colour legend. Maps are drawn one pixel per cell and scaled up without
// smoothing, so every cell has hard edges at any size.
import { useCallback, useEffect, useId, useMemo, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import type { AttentionReport } from '../../core/protocol';
import { cssVar, drawCrisp, mapImage, outlineCell, useCanvas, useElementWidth } from './canvas';
import { cssGradient } from './colormap';
import { cellAt, focusLayout, isAllowed, moveCursor, showsLabel, type Cell } from './layout';
import { argmax, describeHead, headMap, readout, rowWeights } from './summary';

interface HeatmapProps {
  /** Row-major T×T weights: row = query, column = key. */
  map: Float32Array;
  T: number;
  /** Cells outlined: the keyboard cursor and the pointer's cell. */
  cursor?: Cell | null;
  hover?: Cell | null;
  /** A query row outlined (the token hovered in the strip). */
  highlightRow?: number | null;
  className?: string;
}

/** A decorative canvas: the button or region around it carries the name and description. */
export function Heatmap({ map, T, cursor, hover, highlightRow, className }: HeatmapProps) {
  const image = useMemo(() => mapImage(map, T), [map, T]);
  const cr = cursor?.row;
  const cc = cursor?.col;
  const hr = hover?.row;
  const hc = hover?.col;
  const draw = useCallback(
    (ctx: CanvasRenderingContext2D, w: number, h: number, dpr: number) => {
      drawCrisp(ctx, image, w, h);
      if (highlightRow != null && highlightRow < T) outlineCell(ctx, highlightRow, 0, T, w, h, dpr, true);
      if (cr != null && cc != null) outlineCell(ctx, cr, cc, T, w, h, dpr);
      if (hr != null && hc != null && (hr !== cr || hc !== cc)) outlineCell(ctx, hr, hc, T, w, h, dpr);
    },
    [image, T, highlightRow, cr, cc, hr, hc],
  );
  const ref = useCanvas(draw);
  return <canvas ref={ref} className={className ?? 'attention-heatmap'} aria-hidden="true" />;
}

/** Diagonal hatching for masked cells, in the theme's muted colour. */
function hatch(ctx: CanvasRenderingContext2D, dpr: number, bg: string, line: string): CanvasPattern | string {
  const s = Math.max(4, Math.round(6 * dpr));
  const tile = document.createElement('canvas');
  tile.width = s;
  tile.height = s;
  const t = tile.getContext('2d');
  if (!t) return bg;
  t.fillStyle = bg;
  t.fillRect(0, 0, s, s);
  t.strokeStyle = line;
  t.lineWidth = Math.max(1, dpr * 0.75);
  t.beginPath();
  // Three segments so the stripes join across tile edges.
  for (const o of [-s, 0, s]) {
    t.moveTo(o, s);
    t.lineTo(o + s, 0);
  }
  t.stroke();
  return ctx.createPattern(tile, 'repeat') ?? bg;
}

/**
 * The causal mask as a T×T matrix: cells a query may attend to are filled, the future is
 * hatched. With the mask off, the future cells are filled in the error colour.
 */
export function CausalMask({ T, causal }: { T: number; causal: boolean }) {
  const draw = useCallback(
    (ctx: CanvasRenderingContext2D, w: number, h: number, dpr: number) => {
      const el = ctx.canvas;
      const allowed = cssVar(el, '--accent', '#4b3bb0');
      const cheat = cssVar(el, '--err', '#a3262a');
      const bg = cssVar(el, '--panel', '#fff');
      const pattern = hatch(ctx, dpr, bg, cssVar(el, '--muted', '#5d5d6e'));
      ctx.clearRect(0, 0, w, h);
      ctx.fillStyle = cssVar(el, '--border', '#dcdce4');
      ctx.fillRect(0, 0, w, h);
      // A one-device-pixel gap between cells while they are big enough to spare it.
      const gap = w / T >= 6 * dpr ? Math.max(1, Math.round(dpr)) : 0;
      for (let q = 0; q < T; q++) {
        const y0 = Math.round((q * h) / T);
        const y1 = Math.round(((q + 1) * h) / T);
        for (let k = 0; k < T; k++) {
          const x0 = Math.round((k * w) / T);
          const x1 = Math.round(((k + 1) * w) / T);
          ctx.fillStyle = isAllowed(q, k, true) ? allowed : isAllowed(q, k, causal) ? cheat : pattern;
          ctx.fillRect(x0 + gap, y0 + gap, Math.max(1, x1 - x0 - gap), Math.max(1, y1 - y0 - gap));
        }
      }
    },
    [T, causal],
  );
  const ref = useCanvas(draw);
  const label = causal
    ? `Causal mask for ${T} positions: each row (query) may look at itself and the earlier positions; the future is masked.`
    : `No causal mask, ${T} positions: every row (query) may look at every position, including the future.`;
  return <canvas ref={ref} className="attention-mask-canvas" role="img" aria-label={label} data-testid="causal-mask" />;
}

/** The colour scale, 0 to 1: a CSS gradient built from the same map as the canvases. */
export function Legend() {
  const background = useMemo(() => cssGradient(), []);
  return (
    <div className="attention-legend" role="img" aria-label="Colour scale: weight 0 is dark purple, 0.5 teal, 1 yellow." data-testid="attention-legend">
      <span className="attention-legend-tick" aria-hidden="true">
        0
      </span>
      <span className="attention-legend-bar" style={{ background }} aria-hidden="true" />
      <span className="attention-legend-tick" aria-hidden="true">
        1
      </span>
    </div>
  );
}

interface FocusedHeadProps {
  attention: AttentionReport;
  layer: number;
  head: number;
  causal: boolean;
  /** The query hovered in the token strip, outlined as a row. */
  highlightRow: number | null;
  onClose: () => void;
  /** Set to move keyboard focus into the map when it opens from the keyboard. */
  autoFocus: boolean;
}

/**
 * One head enlarged, tokens on both axes, the weight under the pointer in a readout. Focused,
 * the arrow keys move a cursor cell (Home/End along the row, PageUp/PageDown along the
 * column) and Escape closes it.
 */
export function FocusedHead({ attention, layer, head, causal, highlightRow, onClose, autoFocus }: FocusedHeadProps) {
  const T = attention.tokens.length;
  const map = useMemo(() => headMap(attention, layer, head), [attention, layer, head]);
  const boxRef = useRef<HTMLDivElement>(null);
  const plotRef = useRef<HTMLDivElement>(null);
  const width = useElementWidth(boxRef);
  const lay = focusLayout(width, T);
  // The cursor starts on the last token's strongest key: the most telling cell of a fresh map.
  const [cursor, setCursor] = useState<Cell>(() => ({ row: T - 1, col: Math.max(0, argmax(rowWeights(attention, layer, head, T - 1))) }));
  const [hover, setHover] = useState<Cell | null>(null);
  const [focused, setFocused] = useState(false);
  const id = useId();

  // A new prompt can be shorter: keep the cursor inside the map.
  const cur = { row: Math.min(cursor.row, T - 1), col: Math.min(cursor.col, T - 1) };
  const active = hover ?? (focused ? cur : null);

  // Opened from the keyboard, focus moves into the map; opened by pointer below the fold (a
  // phone), the page scrolls to it so the tap visibly did something.
  useEffect(() => {
    if (autoFocus) {
      plotRef.current?.focus();
      return;
    }
    const box = boxRef.current;
    if (box && box.getBoundingClientRect().top > window.innerHeight - 120) {
      const still = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
      box.scrollIntoView({ block: 'start', behavior: still ? 'auto' : 'smooth' });
    }
  }, [autoFocus]);

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      onClose();
      return;
    }
    const next = moveCursor(cur, e.key, T);
    if (!next) return;
    e.preventDefault(); // arrows would scroll the page
    setFocused(true);
    setHover(null);
    setCursor(next);
  };
  const pointCell = (e: PointerEvent) => {
    const r = e.currentTarget.getBoundingClientRect();
    return cellAt(e.clientX - r.left, e.clientY - r.top, r.width, T);
  };

  const text = active
    ? readout(attention.tokens, active.row, active.col, map[active.row * T + active.col]) +
      (!isAllowed(active.row, active.col, causal) ? ' (masked: the future)' : '')
    : 'Point at a cell, or focus the map and use the arrow keys.';
  const marked = [active?.row, active?.col, highlightRow];

  return (
    <div className="attention-focus" data-testid="head-focus" ref={boxRef}>
      <div className="attention-focus-head">
        <h3 className="attention-focus-title">
          Layer {layer + 1}, head {head + 1}
        </h3>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      <p className="attention-focus-desc muted" id={`${id}-desc`}>
        This head {describeHead(map, T, causal)}. Rows are queries (the position predicting), columns are keys (what it looks at).
      </p>
      <p className="attention-readout" aria-live="polite" data-testid="attention-readout">
        {text}
      </p>
      <div
        className="attention-focus-plot"
        style={{ gridTemplateColumns: `${lay.yLabelWidth}px ${lay.size}px`, gridTemplateRows: `${lay.size}px ${lay.xLabelHeight}px` }}
      >
        <div className="attention-ylabels" aria-hidden="true">
          {attention.tokens.map((t, i) =>
            showsLabel(i, lay.labelStride, marked) ? (
              <span key={i} className={i === active?.row || i === highlightRow ? 'is-marked' : undefined} style={{ top: (i + 0.5) * lay.cell }}>
                {t}
              </span>
            ) : null,
          )}
        </div>
        <div
          ref={plotRef}
          className="attention-focus-map"
          tabIndex={0}
          role="application"
          aria-roledescription="attention map"
          aria-label={`Layer ${layer + 1} head ${head + 1} weights, ${T} by ${T}: arrow keys move the cursor, Escape closes`}
          aria-describedby={`${id}-desc`}
          style={{ width: lay.size, height: lay.size }}
          onKeyDown={onKeyDown}
          onFocus={() => setFocused(true)}
          onBlur={() => setFocused(false)}
          onPointerMove={(e) => setHover(pointCell(e))}
          onPointerLeave={() => setHover(null)}
          onPointerDown={(e) => {
            const c = pointCell(e);
            if (c) setCursor(c);
          }}
        >
          <Heatmap map={map} T={T} cursor={focused ? cur : null} hover={hover} highlightRow={highlightRow} className="attention-focus-canvas" />
        </div>
        <span aria-hidden="true" />
        <div className="attention-xlabels" aria-hidden="true">
          {attention.tokens.map((t, i) =>
            showsLabel(i, lay.labelStride, marked) ? (
              <span key={i} className={i === active?.col ? 'is-marked' : undefined} style={{ left: (i + 0.5) * lay.cell }}>
                <span>{t}</span>
              </span>
            ) : null,
          )}
        </div>
      </div>
    </div>
  );
}
