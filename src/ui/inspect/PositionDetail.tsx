// One position of the measured text: what each head attended to from there (a row per head
// over the tokens before it, on one canvas) and the model's next-token predictions.
import { useCallback, useMemo, useState, type PointerEvent } from 'react';
import type { PositionReport, Prediction } from '../../core/inspect';
import { useAppStore } from '../../state/store';
import { drawCrisp, useCanvas } from '../attention/canvas';
import { lutIndex, NOT_A_NUMBER_RGB, viridisLut } from '../attention/colormap';
import { formatProbShort, topCandidates } from '../sample/format';
import { PredictionBars, ViewError } from './common';

/** Height of a head's row, in CSS pixels (the labels beside the canvas use the same). */
const ROW_PX = 16;
const BARS = 10;

/** The (L·NH) × T weights as an image, one pixel per cell. */
function rowsImage(r: PositionReport): HTMLCanvasElement {
  const T = r.context.length;
  const rows = r.nLayer * r.nHead;
  const img = document.createElement('canvas');
  img.width = Math.max(1, T);
  img.height = Math.max(1, rows);
  const ctx = img.getContext('2d');
  if (!ctx || T === 0) return img;
  const data = ctx.createImageData(T, rows);
  const lut = viridisLut();
  for (let i = 0; i < rows * T; i++) {
    const k = lutIndex(r.attention[i]);
    const rgb = k < 0 ? NOT_A_NUMBER_RGB : [lut[k * 4], lut[k * 4 + 1], lut[k * 4 + 2]];
    data.data.set([rgb[0], rgb[1], rgb[2], 255], i * 4);
  }
  ctx.putImageData(data, 0, 0);
  return img;
}

/** The key a head attends to most, and how much. */
function strongest(r: PositionReport, row: number): { index: number; w: number } {
  const T = r.context.length;
  let index = 0;
  for (let t = 1; t < T; t++) if (r.attention[row * T + t] > r.attention[row * T + index]) index = t;
  return { index, w: r.attention[row * T + index] };
}

function AttentionRows({ report }: { report: PositionReport }) {
  const image = useMemo(() => rowsImage(report), [report]);
  const draw = useCallback((ctx: CanvasRenderingContext2D, w: number, h: number) => drawCrisp(ctx, image, w, h), [image]);
  const ref = useCanvas(draw);
  const [hover, setHover] = useState<{ row: number; col: number } | null>(null);
  const T = report.context.length;
  const rows = report.nLayer * report.nHead;
  // Every token's label while they fit side by side (about 40 across), else every stride-th.
  const stride = Math.ceil(T / 40);
  const name = (row: number) => `L${Math.floor(row / report.nHead) + 1} H${(row % report.nHead) + 1}`;
  const onMove = (e: PointerEvent) => {
    const b = e.currentTarget.getBoundingClientRect();
    const col = Math.floor(((e.clientX - b.left) / b.width) * T);
    const row = Math.floor(((e.clientY - b.top) / b.height) * rows);
    setHover(col >= 0 && col < T && row >= 0 && row < rows ? { row, col } : null);
  };
  const readout = hover
    ? `${name(hover.row)} → “${report.context[hover.col]}” (${hover.col + 1}): ${formatProbShort(report.attention[hover.row * T + hover.col])}`
    : 'Point at a cell for its weight.';
  return (
    <div className="inspect-rows">
      <div className="inspect-rows-grid" style={{ gridTemplateRows: `repeat(${rows}, ${ROW_PX}px) auto` }}>
        {Array.from({ length: rows }, (_, row) => (
          <span key={row} className="inspect-rows-label" style={{ gridRow: row + 1 }} aria-hidden="true">
            {name(row)}
          </span>
        ))}
        <canvas
          ref={ref}
          className="inspect-rows-canvas"
          style={{ gridRow: `1 / span ${rows}`, height: rows * ROW_PX }}
          role="img"
          aria-label={`Attention from this position, one row per head over the ${T} tokens up to it`}
          data-testid="position-attention"
          onPointerMove={onMove}
          onPointerLeave={() => setHover(null)}
        />
        {Array.from({ length: rows }, (_, row) => {
          const s = strongest(report, row);
          return (
            <span key={`m${row}`} className="inspect-rows-max" style={{ gridRow: row + 1 }}>
              “{report.context[s.index]}” {formatProbShort(s.w)}
            </span>
          );
        })}
        <span className="inspect-rows-keys" style={{ gridRow: rows + 1 }} aria-hidden="true">
          {report.context.map((t, i) =>
            i % stride === 0 || i === T - 1 || i === hover?.col ? (
              <span key={i} className={i === hover?.col ? 'is-marked' : undefined} style={{ left: `${((i + 0.5) / T) * 100}%` }}>
                {t}
              </span>
            ) : null,
          )}
        </span>
      </div>
      <p className="inspect-rows-readout muted" aria-hidden="true">
        {readout}
      </p>
      <ul className="visually-hidden">
        {Array.from({ length: rows }, (_, row) => {
          const s = strongest(report, row);
          return (
            <li key={row}>
              {name(row)} attends most to token {s.index + 1}, “{report.context[s.index]}” ({formatProbShort(s.w)})
            </li>
          );
        })}
      </ul>
    </div>
  );
}

/** The position's top predictions, labelled with the tokenizer's labels. */
function usePredictions(report: PositionReport | null): Prediction[] {
  const labels = useAppStore((s) => s.dataReport?.labels ?? null);
  return useMemo(() => {
    if (!report) return [];
    const label = (id: number) => (labels && labels.length === report.probs.length ? (labels[id] ?? `#${id}`) : `#${id}`);
    return topCandidates(report.probs, BARS).map((c) => ({ label: label(c.id), p: c.p }));
  }, [report, labels]);
}

/** The position picked in the text measured (`text`: null for the validation text). */
export function PositionDetail({ text }: { text: string | null }) {
  const view = useAppStore((s) => s.inspect.position);
  // A position of a text measured before is not this text's.
  const report = view.query?.text === text ? view.result : null;
  const predictions = usePredictions(report);
  const at = report ? report.context[report.context.length - 1] : null;
  return (
    <div className="inspect-position" aria-live="polite" aria-busy={view.busy} data-testid="position-detail">
      {!report && !view.busy && !view.error && (
        <p className="inspect-hint muted">Click a token (or press Enter on it) to see what each head looked at from there and what the model predicted next.</p>
      )}
      <ViewError error={view.error} field="text" testId="position-error" />
      {report && (
        <>
          <h3 className="inspect-subhead">
            Token {report.index + 1}, “{at}”
          </h3>
          <div className="inspect-position-body">
            <div>
              <h4 className="inspect-minor">What each head looked at</h4>
              <AttentionRows report={report} />
            </div>
            <div>
              <h4 className="inspect-minor">Next-token predictions</h4>
              <PredictionBars items={predictions} label={`The ${BARS} likeliest tokens after token ${report.index + 1}`} testId="position-bars" />
            </div>
          </div>
        </>
      )}
    </div>
  );
}
