// Embeddings: every token's embedding (and, if asked, every position's) projected on the two
// directions of largest variance, drawn with its label; the point under the pointer (or
// chosen with the keyboard) shows its nearest neighbours by cosine similarity.
import { useCallback, useId, useMemo, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import type { EmbeddingPoint, EmbeddingsReport } from '../../core/inspect';
import { useAppStore } from '../../state/store';
import { cssVar, useCanvas } from '../attention/canvas';
import { Checkbox } from '../controls/controls';
import { MeasuredNote, RunButton, ViewError, ViewSection } from './common';
import { axisTitle, nearestPoint, placeLabels, scatterFrame, toPixel, type Frame } from './scatter';
import { formatValue } from './table';

export function EmbeddingsView() {
  return (
    <ViewSection
      id="embeddings"
      title="Embeddings"
      intro="Each token’s embedding vector, projected on the two directions along which the embeddings vary most: tokens the model treats alike end up close together."
    >
      <EmbeddingsBody />
    </ViewSection>
  );
}

interface Shown extends EmbeddingPoint {
  kind: 'token' | 'position';
}

/** Margins of the plot inside the canvas, in CSS pixels: room for the axis titles. */
const PAD = { left: 26, right: 12, top: 16, bottom: 26 };
const LABEL_FONT_PX = 12;

function EmbeddingsBody() {
  const view = useAppStore((s) => s.inspect.embeddings);
  const run = useAppStore((s) => s.runInspect);
  const [positions, setPositions] = useState(false);
  const report = view.result;
  return (
    <>
      <div className="inspect-actions">
        <RunButton busy={view.busy} onClick={() => void run({ kind: 'embeddings' })} busyLabel="Projecting…" testId="embeddings-run">
          {report ? 'Project again' : 'Project the embeddings'}
        </RunButton>
        <Checkbox label="Show positions too" checked={positions} onChange={setPositions} />
      </div>
      <ViewError error={view.error} field="embeddings" testId="embeddings-error" />
      <p className="inspect-summary" aria-live="polite">
        {report ? `${report.tokens.length} tokens${positions ? ` and ${report.positions.length} positions` : ''}; the two axes hold ${Math.round((report.explained[0] + report.explained[1]) * 100)}% of the variance.` : ''}
      </p>
      {report && (
        <>
          <MeasuredNote view={view} />
          <Scatter report={report} positions={positions} />
        </>
      )}
    </>
  );
}

function Scatter({ report, positions }: { report: EmbeddingsReport; positions: boolean }) {
  const points = useMemo<Shown[]>(
    () => [...report.tokens.map((p) => ({ ...p, kind: 'token' as const })), ...(positions ? report.positions.map((p) => ({ ...p, kind: 'position' as const })) : [])],
    [report, positions],
  );
  const [active, setActive] = useState<number | null>(null);
  const frameRef = useRef<Frame | null>(null);
  const id = useId();
  const cur = active !== null && active < points.length ? active : null;

  const draw = useCallback(
    (ctx: CanvasRenderingContext2D, w: number, h: number, dpr: number) => {
      const el = ctx.canvas;
      const text = cssVar(el, '--text', '#1b1b23');
      const muted = cssVar(el, '--muted', '#5d5d6e');
      const accent = cssVar(el, '--accent', '#4b3bb0');
      const border = cssVar(el, '--border', '#dcdce4');
      const posColour = cssVar(el, '--ok', '#1f7a45');
      const W = w / dpr;
      const H = h / dpr;
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.clearRect(0, 0, W, H);
      const plot = { left: PAD.left, top: PAD.top, width: Math.max(1, W - PAD.left - PAD.right), height: Math.max(1, H - PAD.top - PAD.bottom) };
      const f = scatterFrame(points, plot);
      frameRef.current = f;
      // Axes through the origin when it is in view, else along the plot's edges.
      ctx.strokeStyle = border;
      ctx.lineWidth = 1;
      const o = toPixel(f, { x: 0, y: 0 });
      const ox = f.xMin <= 0 && f.xMax >= 0 ? o.x : plot.left;
      const oy = f.yMin <= 0 && f.yMax >= 0 ? o.y : plot.top + plot.height;
      ctx.beginPath();
      ctx.moveTo(plot.left, oy);
      ctx.lineTo(plot.left + plot.width, oy);
      ctx.moveTo(ox, plot.top);
      ctx.lineTo(ox, plot.top + plot.height);
      ctx.stroke();
      ctx.fillStyle = muted;
      ctx.font = `${LABEL_FONT_PX - 1}px system-ui, sans-serif`;
      ctx.textAlign = 'right';
      ctx.textBaseline = 'bottom';
      ctx.fillText(axisTitle(1, report.explained[0]), plot.left + plot.width, H - 4);
      ctx.save();
      ctx.translate(12, plot.top);
      ctx.rotate(-Math.PI / 2);
      ctx.textAlign = 'right';
      ctx.textBaseline = 'middle';
      ctx.fillText(axisTitle(2, report.explained[1]), 0, 0);
      ctx.restore();
      // Points, then as many labels as fit without overlapping (tokens before positions).
      const at = points.map((p) => toPixel(f, p));
      at.forEach((q, i) => {
        ctx.fillStyle = points[i].kind === 'token' ? accent : posColour;
        ctx.beginPath();
        ctx.arc(q.x, q.y, i === cur ? 5 : 2.5, 0, Math.PI * 2);
        ctx.fill();
      });
      ctx.font = `${LABEL_FONT_PX}px ui-monospace, Menlo, Consolas, monospace`;
      ctx.textAlign = 'center';
      ctx.textBaseline = 'bottom';
      const widths = points.map((p) => ctx.measureText(p.label).width);
      const order = cur === null ? points.map((_, i) => i) : [cur, ...points.map((_, i) => i).filter((i) => i !== cur)];
      const fits = placeLabels(order.map((i) => at[i]), order.map((i) => widths[i]), LABEL_FONT_PX, { width: W, height: H });
      order.forEach((i, k) => {
        if (!fits[k]) return;
        ctx.fillStyle = i === cur ? accent : points[i].kind === 'token' ? text : posColour;
        ctx.fillText(points[i].label, at[i].x, at[i].y - 3);
      });
      if (cur !== null) {
        ctx.strokeStyle = text;
        ctx.lineWidth = 1.5;
        ctx.beginPath();
        ctx.arc(at[cur].x, at[cur].y, 7, 0, Math.PI * 2);
        ctx.stroke();
      }
    },
    [points, report, cur],
  );
  const ref = useCanvas(draw);

  const onMove = (e: PointerEvent<HTMLCanvasElement>) => {
    const f = frameRef.current;
    if (!f) return;
    const b = e.currentTarget.getBoundingClientRect();
    const i = nearestPoint(f, points, e.clientX - b.left, e.clientY - b.top, 14);
    if (i >= 0) setActive(i);
  };
  const onKeyDown = (e: KeyboardEvent) => {
    const n = points.length;
    if (n === 0) return;
    let next: number | null = null;
    if (e.key === 'ArrowRight' || e.key === 'ArrowDown') next = cur === null ? 0 : (cur + 1) % n;
    else if (e.key === 'ArrowLeft' || e.key === 'ArrowUp') next = cur === null ? n - 1 : (cur - 1 + n) % n;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = n - 1;
    else if (e.key === 'Escape') return setActive(null);
    if (next === null) return;
    e.preventDefault();
    setActive(next);
  };
  const shown = cur !== null ? points[cur] : null;

  return (
    <div className="inspect-scatter">
      <canvas
        ref={ref}
        className="inspect-scatter-canvas"
        tabIndex={0}
        role="img"
        aria-label={`Scatter of ${points.length} embeddings on their first two principal components; arrow keys step through the points. The same points are listed in a table after it.`}
        aria-describedby={`${id}-readout`}
        data-testid="embeddings-canvas"
        onPointerMove={onMove}
        onKeyDown={onKeyDown}
      />
      <div className="inspect-scatter-readout" id={`${id}-readout`} aria-live="polite" data-testid="embeddings-readout">
        {shown ? (
          <>
            <strong>
              {shown.kind === 'position' ? 'Position' : 'Token'} “{shown.label}”
            </strong>{' '}
            nearest:{' '}
            {shown.neighbours.length
              ? shown.neighbours.map((n, i) => (
                  <span key={i} className="inspect-neighbour">
                    “{n.label}” {formatValue(n.cos)}
                  </span>
                ))
              : 'none'}
          </>
        ) : (
          <span className="muted">Point at a dot (or focus the plot and use the arrow keys) for its nearest neighbours by cosine similarity.</span>
        )}
      </div>
      <PointsTable points={points} />
    </div>
  );
}

/** The points for a screen reader: label, both coordinates and the nearest neighbours. */
function PointsTable({ points }: { points: readonly Shown[] }) {
  return (
    // A table ignores the width of the hidden class: the box around it keeps it out of the layout.
    <div className="visually-hidden">
      <table>
        <caption>The embeddings, projected</caption>
        <thead>
          <tr>
            <th scope="col">Point</th>
            <th scope="col">PC1</th>
            <th scope="col">PC2</th>
            <th scope="col">Nearest (cosine)</th>
          </tr>
        </thead>
        <tbody>
          {points.map((p, i) => (
            <tr key={i}>
              <th scope="row">
                {p.kind === 'position' ? 'position' : 'token'} {p.label}
              </th>
              <td>{formatValue(p.x)}</td>
              <td>{formatValue(p.y)}</td>
              <td>{p.neighbours.map((n) => `${n.label} ${formatValue(n.cos)}`).join(', ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
