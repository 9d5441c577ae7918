// Surprisal: each token of a text (the validation split, or the user's) tinted by how many
// bits it cost the model, with the mean beside the validation loss. A token's tooltip gives
// its bits, rank and the top predictions; picking one opens what the model looked at there.
import { memo, useId, useRef, useState, type FocusEvent, type KeyboardEvent, type PointerEvent } from 'react';
import { useStore } from 'zustand';
import type { SurprisalReport, SurprisalToken } from '../../core/inspect';
import { metricsStore } from '../../state/metrics';
import { useAppStore } from '../../state/store';
import { MeasuredNote, RunButton, ViewError, ViewSection } from './common';
import { PositionDetail } from './PositionDetail';
import { BITS_TICKS, bitsGradient, bitsTint, MAX_BITS } from './scales';
import { formatBits, formatLoss } from './table';
import { ordinal, predictionsText, tokenText } from './text';

export function SurprisalView() {
  return (
    <ViewSection
      id="surprisal"
      title="Surprisal"
      intro="How surprised the model is by each token of a text, in bits (−log₂ p): a token it saw coming costs well under a bit, one it did not costs several. Their mean in nats is the loss."
    >
      <SurprisalBody />
    </ViewSection>
  );
}

function SurprisalBody() {
  const view = useAppStore((s) => s.inspect.surprisal);
  const position = useAppStore((s) => s.inspect.position);
  const source = useAppStore((s) => s.inspectInputs.surprisalSource);
  const text = useAppStore((s) => s.inspectInputs.surprisalText);
  const setInputs = useAppStore((s) => s.setInspectInputs);
  const run = useAppStore((s) => s.runInspect);
  const setError = useAppStore((s) => s.setInspectError);
  const id = useId();

  const measure = () => {
    if (source === 'text' && text.trim() === '') {
      setError('surprisal', { field: 'text', message: 'Type a text to measure, or choose the validation text.' });
      return;
    }
    void run({ kind: 'surprisal', text: source === 'text' ? text : null });
  };
  const report = view.result;
  const query = view.query;
  const pick = (index: number) => {
    if (query) void run({ kind: 'position', text: query.text, index, ...(query.maxTokens ? { maxTokens: query.maxTokens } : {}) });
  };
  // The position shown belongs to this text (a new measurement of another text hides it).
  const picked = position.query && query && position.query.text === query.text ? position.query.index : null;

  return (
    <>
      <div className="inspect-inputs">
        <fieldset className="inspect-choice">
          <legend>Text to measure</legend>
          <label>
            <input type="radio" name={`${id}-source`} checked={source === 'validation'} onChange={() => setInputs({ surprisalSource: 'validation' })} />
            Validation text
          </label>
          <label>
            <input type="radio" name={`${id}-source`} checked={source === 'text'} onChange={() => setInputs({ surprisalSource: 'text' })} />
            Your text
          </label>
        </fieldset>
        {source === 'text' && (
          <div className="field inspect-textarea">
            <label htmlFor={`${id}-text`}>Your text to measure</label>
            <textarea
              id={`${id}-text`}
              rows={3}
              value={text}
              spellCheck={false}
              aria-invalid={view.error?.field === 'text' ? true : undefined}
              onChange={(e) => setInputs({ surprisalText: e.currentTarget.value })}
            />
          </div>
        )}
        <ViewError error={view.error} field="text" testId="surprisal-error" />
        <div className="inspect-actions">
          <RunButton busy={view.busy} onClick={measure} testId="surprisal-measure">
            Measure
          </RunButton>
        </div>
      </div>
      <div aria-live="polite" className="inspect-result">
        {report && <SurprisalSummary report={report} />}
      </div>
      {report && (
        <>
          <MeasuredNote view={view} />
          <BitsLegend />
          <SurprisalText report={report} picked={picked} onPick={pick} />
          <PositionDetail text={query?.text ?? null} />
        </>
      )}
    </>
  );
}

function SurprisalSummary({ report }: { report: SurprisalReport }) {
  const lastEval = useStore(metricsStore, (s) => s.evals.at(-1));
  const predicted = report.tokens.filter((t) => !Number.isNaN(t.bits)).length;
  return (
    <p className="inspect-summary" data-testid="surprisal-summary">
      Mean <strong data-testid="surprisal-mean">{formatBits(report.meanBits)} bits</strong> per token ={' '}
      <strong>{formatLoss(report.meanNats)} nats</strong> over {predicted.toLocaleString('en-US')} predicted tokens of the{' '}
      {report.source === 'validation' ? 'validation text' : 'text'}.{' '}
      {lastEval ? (
        <>
          The validation loss was <strong>{formatLoss(lastEval.val)} nats</strong> at step {lastEval.step.toLocaleString('en-US')}.
        </>
      ) : (
        'No validation loss measured yet.'
      )}
    </p>
  );
}

function BitsLegend() {
  return (
    <div className="inspect-legend" role="img" aria-label={`Colour scale: 0 bits is untinted, growing to red at ${MAX_BITS} bits or more.`}>
      <span aria-hidden="true">Bits</span>
      <span className="inspect-legend-scale" aria-hidden="true">
        <span className="inspect-legend-bar" style={{ backgroundImage: bitsGradient() }} />
        <span className="inspect-legend-ticks">
          {BITS_TICKS.map((b) => (
            <span key={b}>{b === MAX_BITS ? `≥${b}` : b}</span>
          ))}
        </span>
      </span>
      <span className="inspect-legend-note muted" aria-hidden="true">
        <span className="inspect-tok is-unpredicted">a</span> not predicted (a window’s first token)
      </span>
    </div>
  );
}

const tokenName = (t: SurprisalToken, i: number) =>
  Number.isNaN(t.bits) ? `${i + 1}: “${t.label}”, not predicted` : `${i + 1}: “${t.label}”, ${formatBits(t.bits)} bits, ${ordinal(t.rank)} choice`;

const TokenSpan = memo(function TokenSpan({ token, index, tabbable, picked, describedBy }: { token: SurprisalToken; index: number; tabbable: boolean; picked: boolean; describedBy?: string }) {
  const { text, breaks } = tokenText(token.label);
  const tint = bitsTint(token.bits);
  return (
    <>
      <span
        role="button"
        tabIndex={tabbable ? 0 : -1}
        className={`inspect-tok${tint ? '' : ' is-unpredicted'}${picked ? ' is-picked' : ''}`}
        style={tint ? { backgroundColor: tint } : undefined}
        aria-label={tokenName(token, index)}
        aria-pressed={picked}
        aria-describedby={describedBy}
        data-index={index}
        data-bits={token.bits}
        data-testid="surprisal-token"
      >
        {text}
      </span>
      {breaks && '\n'}
    </>
  );
});

interface Tip {
  index: number;
  left: number;
  top: number;
}

const indexOf = (target: EventTarget): number | null => {
  const el = (target as HTMLElement).closest?.('[data-index]');
  return el ? Number(el.getAttribute('data-index')) : null;
};

/**
 * The text's tokens, one tab stop among them: the arrows move, Enter or Space picks one (its
 * attention and predictions open below); hover or focus shows the tooltip.
 */
function SurprisalText({ report, picked, onPick }: { report: SurprisalReport; picked: number | null; onPick: (i: number) => void }) {
  const box = useRef<HTMLDivElement>(null);
  const [cursor, setCursor] = useState(0);
  const [tip, setTip] = useState<Tip | null>(null);
  const tipId = useId();
  const tokens = report.tokens;
  const cur = Math.min(cursor, tokens.length - 1);

  const showTip = (el: HTMLElement, index: number) => {
    const b = box.current;
    if (!b) return;
    const width = Math.min(260, b.clientWidth);
    setTip({ index, left: Math.max(0, Math.min(el.offsetLeft, b.clientWidth - width)), top: el.offsetTop + el.offsetHeight + 4 });
  };
  const onOver = (e: PointerEvent | FocusEvent) => {
    const i = indexOf(e.target);
    if (i !== null) showTip((e.target as HTMLElement).closest('[data-index]') as HTMLElement, i);
  };
  const onKeyDown = (e: KeyboardEvent) => {
    const i = indexOf(e.target);
    if (i === null) return;
    let next: number | null = null;
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      onPick(i);
      return;
    }
    if (e.key === 'Escape') return setTip(null);
    if (e.key === 'ArrowRight' || e.key === 'ArrowDown') next = Math.min(tokens.length - 1, i + 1);
    else if (e.key === 'ArrowLeft' || e.key === 'ArrowUp') next = Math.max(0, i - 1);
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = tokens.length - 1;
    if (next === null) return;
    e.preventDefault();
    setCursor(next);
    box.current?.querySelector<HTMLElement>(`[data-index="${next}"]`)?.focus();
  };
  const shown = tip && tip.index < tokens.length ? tokens[tip.index] : null;

  return (
    <div className="inspect-text-box" ref={box}>
      <div
        className="inspect-text"
        role="group"
        aria-label={`The ${tokens.length} tokens, tinted by surprisal: arrow keys move, Enter shows what the model looked at`}
        data-testid="surprisal-text"
        onClick={(e) => {
          const i = indexOf(e.target);
          if (i !== null) {
            setCursor(i);
            onPick(i);
          }
        }}
        onKeyDown={onKeyDown}
        onPointerOver={onOver}
        onFocus={onOver}
        onPointerLeave={() => setTip(null)}
        onBlur={(e) => {
          if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setTip(null);
        }}
      >
        {tokens.map((t, i) => (
          <TokenSpan key={i} token={t} index={i} tabbable={i === cur} picked={i === picked} describedBy={tip?.index === i ? tipId : undefined} />
        ))}
      </div>
      {shown && tip && (
        <div className="inspect-tip" role="tooltip" id={tipId} style={{ left: tip.left, top: tip.top }} data-testid="surprisal-tip">
          <strong>“{shown.label}”</strong>{' '}
          {Number.isNaN(shown.bits) ? (
            'not predicted: the first token of a window'
          ) : (
            <>
              {formatBits(shown.bits)} bits · the model’s {ordinal(shown.rank)} choice
            </>
          )}
          {shown.top.length > 0 && <span className="inspect-tip-top">Expected: {predictionsText(shown.top)}</span>}
        </div>
      )}
    </div>
  );
}
