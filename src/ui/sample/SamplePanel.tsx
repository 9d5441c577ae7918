// The Sample panel: a prompt and the sampling settings, the streamed output with each token
// tinted by how likely it was, and the probability bars of the token selected in it.
import { memo, useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import type { SampleToken } from '../../state/slices/sample';
import { useAppStore } from '../../state/store';
import { Panel } from '../controls/controls';
import { GenerateRow, useEscapeStopsSample, useGenerate } from './GenerateRow';
import { ProbBars } from './ProbBars';
import { PromptField, usePromptVocabulary } from './PromptField';
import { promptPieces } from './skipped-chars';
import { SamplingControls } from './SamplingControls';
import { probTint, probTintGradient, tokenTitle } from './format';
import './sample.css';

function SampleControls() {
  const { generate, buildError } = useGenerate();
  return (
    <div className="sample-controls">
      <PromptField onGenerate={generate} />
      <SamplingControls />
      {/* One block, so a compact layout can keep Generate in view while the settings scroll. */}
      <div className="sample-generate">
        <GenerateRow onGenerate={generate} buildError={buildError} />
      </div>
    </div>
  );
}

/** The prompt of the sample on screen: the one sent when generation started, not the field's live text. */
function useSampledPrompt(): string {
  const [shown, setShown] = useState(() => useAppStore.getState().prompt);
  useEffect(
    () =>
      useAppStore.subscribe((s, prev) => {
        if (s.sampleBusy && !prev.sampleBusy) setShown(s.prompt);
      }),
    [],
  );
  return shown;
}

/** The prompt before the output, its skipped characters struck through: the model never saw them. */
function SampledPrompt({ prompt }: { prompt: string }) {
  const vocabulary = usePromptVocabulary(prompt.length > 0);
  return (
    <span className="sample-prompt-text">
      {promptPieces(prompt, vocabulary).map((piece, i) =>
        piece.skipped ? (
          <span key={i} className="sample-prompt-skipped" title="Not in the vocabulary: skipped, the model did not see it" data-testid="sample-prompt-skipped">
            {piece.text}
          </span>
        ) : (
          piece.text
        ),
      )}
    </span>
  );
}

const TokenSpan = memo(function TokenSpan({ token, index, selected }: { token: SampleToken; index: number; selected: boolean }) {
  const title = tokenTitle(token.label, token.prob);
  return (
    <span
      role="button"
      tabIndex={0}
      className={`sample-tok${selected ? ' sample-tok-selected' : ''}${token.text === '' ? ' sample-tok-empty' : ''}`}
      style={{ backgroundColor: probTint(token.prob) }}
      title={title}
      aria-label={title}
      aria-pressed={selected}
      data-index={index}
      data-testid="sample-token"
    >
      {token.text}
    </span>
  );
});

function indexOf(target: EventTarget): number | null {
  const el = (target as HTMLElement).closest?.('[data-index]');
  return el ? Number(el.getAttribute('data-index')) : null;
}

function SampleOutput() {
  const tokens = useAppStore((s) => s.sampleTokens);
  const selected = useAppStore((s) => s.selectedToken);
  const selectToken = useAppStore((s) => s.selectToken);
  const busy = useAppStore((s) => s.sampleBusy);
  const prompt = useSampledPrompt();
  const box = useRef<HTMLDivElement>(null);
  const stickToBottom = useRef(true);

  // Follow the stream while the reader is at the end; leave them be once they scroll up.
  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    if (tokens.length === 0) stickToBottom.current = true;
    else if (stickToBottom.current) el.scrollTop = el.scrollHeight;
  }, [tokens.length]);

  // One handler for all tokens (delegated): there may be thousands of spans.
  const onClick = (e: MouseEvent) => {
    const i = indexOf(e.target);
    if (i !== null) selectToken(i);
  };
  const onKeyDown = (e: KeyboardEvent) => {
    const i = indexOf(e.target);
    if (i === null) return;
    let next: number | null = null;
    if (e.key === 'Enter' || e.key === ' ') next = i;
    else if (e.key === 'ArrowRight' || e.key === 'ArrowDown') next = Math.min(tokens.length - 1, i + 1);
    else if (e.key === 'ArrowLeft' || e.key === 'ArrowUp') next = Math.max(0, i - 1);
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = tokens.length - 1;
    if (next === null) return;
    e.preventDefault(); // Space would scroll, arrows would scroll the box
    selectToken(next);
    if (next !== i) box.current?.querySelector<HTMLElement>(`[data-index="${next}"]`)?.focus();
  };

  const empty = tokens.length === 0 && !busy;
  return (
    <div className="sample-out">
      <h3 className="sample-subhead" id="sample-out-title">
        Output
      </h3>
      <div
        ref={box}
        className="sample-output"
        data-testid="sample-output"
        role="group"
        aria-labelledby="sample-out-title"
        aria-busy={busy}
        onScroll={(e) => {
          const el = e.currentTarget;
          stickToBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 8;
        }}
        onClick={onClick}
        onKeyDown={onKeyDown}
      >
        {empty ? (
          <p className="sample-empty">Press Generate (or train a few steps first) to see what the model writes</p>
        ) : (
          <div className="sample-text">
            <SampledPrompt prompt={prompt} />
            {tokens.map((t, i) => (
              <TokenSpan key={i} token={t} index={i} selected={i === selected} />
            ))}
            {busy && <span className="sample-caret" aria-hidden="true" />}
          </div>
        )}
      </div>
      <div className="sample-legend" data-testid="sample-legend">
        <span>Tint: probability when drawn</span>
        <span className="sample-legend-scale">
          <span>0%</span>
          <span className="sample-legend-bar" style={{ backgroundImage: probTintGradient() }} aria-hidden="true" />
          <span>100%</span>
        </span>
        <span className="muted">Click a token for its alternatives.</span>
      </div>
    </div>
  );
}

export function SamplePanel() {
  const panel = useRef<HTMLDivElement>(null);
  useEscapeStopsSample(panel);
  return (
    <Panel id="sample" title="Sample">
      <div className="sample-panel" ref={panel}>
        <SampleControls />
        <div className="sample-results">
          <SampleOutput />
          <ProbBars />
        </div>
      </div>
    </Panel>
  );
}
