// The loss curve: train loss per step (faint) and its moving average (solid), validation loss
// at each evaluation, learning-rate changes as dashed markers, the planned end, the runs it is
// compared with, and the values at the hovered (or keyboard-selected) step. It redraws from
// transient metrics-store subscriptions, at most once per animation frame, so a training step
// never re-renders React; only adding or removing a compared run does.
import { useCallback, useId, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { useStore } from 'zustand';
import { clearComparedRuns, compareStore, removeComparedRun, type ComparedRun } from '../../state/compare';
import { metricsStore } from '../../state/metrics';
import { useAppStore } from '../../state/store';
import { Checkbox } from '../controls/controls';
import { buildChartModel, tooltipPosition, type ChartModel } from './chartModel';
import { aboveNote, assignSlots, comparedAt, comparedSummary, SmoothedRuns } from './compareChart';
import { CompareLegend } from './CompareLegend';
import { drawChart, FONT, readColors, type ChartColors, type ChartFrame } from './drawChart';
import { formatLoss, formatLr } from './format';
import { dedupeMarks, EmaCache, firstNonFinite, lastAtOrBefore, nearestIndex } from './series';
import { chartSummary } from './stats';

/** EMA weight of the smoothed line: heavy enough to see the trend through small-batch noise. */
export const EMA_WEIGHT = 0.9;
/** The smoothed line skips a loss above this many times itself (a blow-up; the raw line shows it). */
export const EMA_SPIKE = 10;

type Hover = { kind: 'pointer'; px: number; touch: boolean } | { kind: 'step'; step: number } | null;

interface View {
  log: boolean;
  maxSteps: number;
  width: number;
  height: number;
  hover: Hover;
  colors: ChartColors | null;
  ema: EmaCache;
  model: ChartModel | null;
  tip: string;
  compared: readonly ComparedRun[];
  slots: ReadonlyMap<string, number>;
  smooth: SmoothedRuns;
}

const byStep = (r: { step: number }) => r.step;

/** The step under the pointer or the keyboard selection, and the series indices there. */
function resolveHover(hover: Hover, model: ChartModel, frame: Pick<ChartFrame, 'steps' | 'evals'> & Partial<Pick<ChartFrame, 'compared'>>): ChartFrame['hover'] {
  if (!hover) return null;
  const target = hover.kind === 'pointer' ? model.x.invert(hover.px) : hover.step;
  const { steps, evals } = frame;
  const index = nearestIndex(steps, byStep, target);
  if (index < 0) {
    const e = nearestIndex(evals, byStep, target);
    if (e >= 0) return { step: evals[e].step, index: -1, evalIndex: e };
    // No run of our own yet: the compared runs are read at the step under the pointer.
    const step = Math.round(target);
    return frame.compared?.length && step >= 0 ? { step, index: -1, evalIndex: -1 } : null;
  }
  const step = steps[index].step;
  return { step, index, evalIndex: lastAtOrBefore(evals, byStep, step) };
}

function tooltipText(f: ChartFrame): string {
  if (!f.hover) return '';
  const s = f.steps[f.hover.index];
  const e = f.evals[f.hover.evalIndex];
  const lines = [`Step ${f.hover.step.toLocaleString('en-US')}`];
  if (s) lines.push(`Train loss ${formatLoss(s.loss)}`, `Smoothed ${formatLoss(f.smoothed[f.hover.index])}`);
  if (e) lines.push(`Val loss ${formatLoss(e.val)}${e.step === f.hover.step ? '' : ` (step ${e.step.toLocaleString('en-US')})`}`);
  if (s && Number.isFinite(s.lr)) lines.push(`lr ${formatLr(s.lr)}`);
  const at = f.hover.step;
  const others = f.compared.map((c) => comparedAt(c.run, c.smoothed, at)).filter((t) => t !== null);
  if (others.length) lines.push('Compared runs (smoothed):', ...others);
  return lines.join('\n');
}

export function LossChart() {
  const maxSteps = useAppStore((s) => s.train.maxSteps);
  const compared = useStore(compareStore, (s) => s.runs);
  // Each compared run keeps its colour while others come and go.
  const slotsRef = useRef<ReadonlyMap<string, number>>(new Map());
  const slots = useMemo(() => (slotsRef.current = assignSlots(slotsRef.current, compared.map((r) => r.id))), [compared]);
  const [log, setLog] = useState(false);
  const helpId = useId();
  const wrapRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const tipRef = useRef<HTMLDivElement>(null);
  const emptyRef = useRef<HTMLParagraphElement>(null);
  const view = useRef<View>({
    log,
    maxSteps,
    width: 0,
    height: 0,
    hover: null,
    colors: null,
    ema: new EmaCache(EMA_WEIGHT, EMA_SPIKE),
    model: null,
    tip: '',
    compared,
    slots,
    smooth: new SmoothedRuns(EMA_WEIGHT, EMA_SPIKE),
  });
  const schedule = useRef<() => void>(() => undefined);
  const drawNow = useRef<() => void>(() => undefined);

  // Layout effect: the first frame is drawn before paint, so the empty-state text never
  // flashes over a chart that already has data (a panel mounted mid-run).
  useLayoutEffect(() => {
    const wrap = wrapRef.current;
    const canvas = canvasRef.current;
    if (!wrap || !canvas) return;
    const v = view.current;

    const draw = () => {
      if (v.width <= 0 || v.height <= 0) return;
      const { steps, evals, lrMarks } = metricsStore.getState();
      const smoothed = v.ema.update(steps, (s) => s.loss);
      const ctx = canvas.getContext('2d');
      if (ctx) ctx.font = FONT;
      const labelWidth = ctx ? (l: string) => ctx.measureText(l).width : undefined;
      const model = buildChartModel({ width: v.width, height: v.height, steps, evals, others: v.compared, maxSteps: v.maxSteps, log: v.log, labelWidth });
      v.model = model;
      const dpr = window.devicePixelRatio || 1;
      const bw = Math.round(v.width * dpr);
      const bh = Math.round(v.height * dpr);
      if (canvas.width !== bw || canvas.height !== bh) {
        canvas.width = bw;
        canvas.height = bh;
      }
      const colors = (v.colors ??= readColors(wrap));
      const bad = firstNonFinite(steps, (s) => s.loss);
      const frame: ChartFrame = {
        model,
        width: v.width,
        height: v.height,
        dpr,
        steps,
        smoothed,
        evals,
        marks: dedupeMarks(lrMarks),
        divergedAt: bad < 0 ? null : steps[bad].step,
        hover: null,
        colors,
        compared: v.compared.map((run) => ({ run, smoothed: v.smooth.of(run.steps), color: colors.compare[(v.slots.get(run.id) ?? 0) % colors.compare.length] })),
      };
      frame.hover = resolveHover(v.hover, model, frame);
      if (ctx) drawChart(ctx, frame);
      if (emptyRef.current) emptyRef.current.hidden = steps.length > 0 || evals.length > 0 || v.compared.length > 0;
      const note = aboveNote(model.above);
      const summary = [chartSummary(steps, evals, smoothed, v.maxSteps), comparedSummary(v.compared), note && `${note}, drawn at the top edge.`];
      canvas.setAttribute('aria-label', summary.filter(Boolean).join(' '));
      placeTooltip(frame);
    };

    const placeTooltip = (f: ChartFrame) => {
      const tip = tipRef.current;
      if (!tip) return;
      const text = tooltipText(f);
      tip.hidden = !text;
      if (!text || !f.hover) return;
      // Only touch the text when it changes: the tooltip is a live region.
      if (text !== v.tip) tip.textContent = text;
      v.tip = text;
      const px = f.model.x(f.hover.step);
      tip.style.left = `${tooltipPosition(px, tip.offsetWidth, v.width)}px`;
      tip.style.top = `${f.model.plot.top + 4}px`;
    };

    let raf = 0;
    schedule.current = () => {
      if (!raf) raf = requestAnimationFrame(() => ((raf = 0), draw()));
    };
    drawNow.current = draw;

    const measure = () => {
      v.width = wrap.clientWidth;
      v.height = wrap.clientHeight;
    };
    measure();
    draw();
    const ro = new ResizeObserver(() => {
      measure();
      schedule.current();
    });
    ro.observe(wrap);
    const unsubscribe = metricsStore.subscribe(() => schedule.current());
    const scheme = window.matchMedia('(prefers-color-scheme: dark)');
    const onScheme = () => {
      v.colors = null;
      schedule.current();
    };
    scheme.addEventListener('change', onScheme);
    return () => {
      cancelAnimationFrame(raf);
      raf = 0;
      ro.disconnect();
      unsubscribe();
      scheme.removeEventListener('change', onScheme);
      schedule.current = () => undefined;
    };
  }, []);

  useLayoutEffect(() => {
    view.current.log = log;
    view.current.maxSteps = maxSteps;
    view.current.compared = compared;
    view.current.slots = slots;
    drawNow.current();
  }, [log, maxSteps, compared, slots]);

  const focusChart = useCallback(() => canvasRef.current?.focus(), []);

  const setHover = (h: Hover) => {
    view.current.hover = h;
    schedule.current();
  };

  const pointerHover = (e: PointerEvent<HTMLCanvasElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    setHover({ kind: 'pointer', px: e.clientX - rect.left, touch: e.pointerType !== 'mouse' });
  };

  const onKeyDown = (e: KeyboardEvent<HTMLCanvasElement>) => {
    const v = view.current;
    if (e.key === 'Escape') {
      setHover(null);
      return;
    }
    // The keys step through this run's steps; with none yet, through the longest compared run's.
    const own = metricsStore.getState().steps;
    const steps: readonly { step: number }[] = own.length ? own : v.compared.reduce<readonly { step: number }[]>((a, r) => (r.steps.length > a.length ? r.steps : a), []);
    if (!steps.length || !['ArrowLeft', 'ArrowRight', 'Home', 'End'].includes(e.key)) return;
    e.preventDefault();
    const target = v.hover && v.model ? (v.hover.kind === 'step' ? v.hover.step : v.model.x.invert(v.hover.px)) : null;
    const last = steps.length - 1;
    const at = target === null ? last : nearestIndex(steps, byStep, target);
    const move = target === null ? 0 : e.shiftKey ? 10 : 1;
    const next = e.key === 'Home' ? 0 : e.key === 'End' ? last : e.key === 'ArrowLeft' ? at - move : at + move;
    setHover({ kind: 'step', step: steps[Math.max(0, Math.min(last, next))].step });
  };

  return (
    <div className="train-chart">
      <div className="train-chart-head">
        <ul className="train-legend" aria-label="Legend">
          <li>
            <span className="train-swatch train-swatch-raw" aria-hidden="true" />
            Train loss
          </li>
          <li>
            <span className="train-swatch train-swatch-ema" aria-hidden="true" />
            Smoothed (EMA)
          </li>
          <li>
            <span className="train-swatch train-swatch-val" aria-hidden="true" />
            Val loss
          </li>
          <li>
            <span className="train-swatch train-swatch-lr" aria-hidden="true" />
            LR change
          </li>
        </ul>
        <Checkbox label="Log scale" checked={log} onChange={setLog} />
        {/* In the head, on a line of its own: the chart stays the head and the box, two rows. */}
        <CompareLegend runs={compared} slots={slots} onRemove={removeComparedRun} onClear={clearComparedRuns} focusChart={focusChart} />
      </div>
      <div className="train-chart-box" ref={wrapRef}>
        <canvas
          ref={canvasRef}
          className="train-chart-canvas"
          data-testid="loss-chart"
          role="img"
          aria-label="Loss chart, empty. Press Train to start: the loss appears here."
          aria-describedby={helpId}
          tabIndex={0}
          onPointerMove={pointerHover}
          onPointerDown={pointerHover}
          onPointerLeave={(e) => {
            if (e.pointerType === 'mouse') setHover(null);
          }}
          onBlur={() => {
            if (view.current.hover?.kind !== 'pointer' || view.current.hover.touch) setHover(null);
          }}
          onKeyDown={onKeyDown}
        />
        <p className="train-chart-empty" ref={emptyRef}>
          Press Train to start: the loss appears here
        </p>
        <div className="train-tooltip" ref={tipRef} hidden aria-live="polite" data-testid="loss-tooltip" />
        <span id={helpId} className="visually-hidden">
          Left and right arrow keys step through the values; Shift moves ten steps, Escape hides them.
        </span>
      </div>
    </div>
  );
}
