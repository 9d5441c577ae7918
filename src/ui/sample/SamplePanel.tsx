// The Sample panel: a prompt and the sampling settings, the streamed output with each token
// tinted by how likely it was, and the probability bars of the token selected in it.
import { memo, useEffect, useId, useLayoutEffect, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import type { SampleToken } from '../../state/slices/sample';
import { useAppStore } from '../../state/store';
import { Checkbox, FieldError, NumberField, Panel, Slider } from '../controls/controls';
import { ProbBars } from './ProbBars';
import { buildErrorMessage, clampInt, formatTemperature, formatTopK, formatTopP, probTint, probTintGradient, tokenTitle } from './format';
import './sample.css';

const MAX_TOKENS = 2000;
const MAX_SEED = 2 ** 32 - 1; // the sampler's RNG takes the seed as a u32

function PromptField({ onGenerate }: { onGenerate: () => void }) {
  const id = useId();
  const prompt = useAppStore((s) => s.prompt);
  const setPrompt = useAppStore((s) => s.setPrompt);
  return (
    <div className="field sample-prompt">
      <label htmlFor={id}>Prompt</label>
      <textarea
        id={id}
        rows={3}
        value={prompt}
        spellCheck={false}
        placeholder="e.g. ROMEO:"
        aria-describedby={`${id}-hint`}
        onChange={(e) => setPrompt(e.currentTarget.value)}
        onKeyDown={(e) => {
          // Ctrl/Cmd+Enter generates without leaving the keyboard; plain Enter stays a newline.
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            onGenerate();
          }
        }}
      />
      <small id={`${id}-hint`} className="muted">
        Empty starts from the first token of the text; characters outside the vocabulary are skipped. Ctrl+Enter generates.
      </small>
    </div>
  );
}

function SamplingControls() {
  const sampling = useAppStore((s) => s.sampling);
  const setSampling = useAppStore((s) => s.setSampling);
  const maxTokens = useAppStore((s) => s.maxTokens);
  const sampleSeed = useAppStore((s) => s.sampleSeed);
  const liveEvery = useAppStore((s) => s.liveEvery);
  const setSampleOptions = useAppStore((s) => s.setSampleOptions);
  const halfWeights = useAppStore((s) => s.halfWeights);
  const onCpu = useAppStore((s) => s.backend === 'cpu');
  const vocab = useAppStore((s) => s.modelReport?.config.vocabSize ?? s.dataReport?.vocabSize ?? 256);
  return (
    <>
      <div className="sample-sliders">
        <Slider label="Temperature" min={0.05} max={2} step={0.05} value={sampling.temperature} format={formatTemperature} onChange={(temperature) => setSampling({ temperature })} />
        <Slider label="Top-k" min={0} max={vocab} step={1} value={Math.min(sampling.topK, vocab)} format={formatTopK} onChange={(topK) => setSampling({ topK })} />
        <Slider label="Top-p" min={0.05} max={1} step={0.05} value={sampling.topP} format={formatTopP} onChange={(topP) => setSampling({ topP })} />
      </div>
      <div className="sample-numbers">
        <NumberField label="Max tokens" min={1} max={MAX_TOKENS} value={maxTokens} onChange={(v) => setSampleOptions({ maxTokens: clampInt(v, 1, MAX_TOKENS) })} hint={`1–${MAX_TOKENS}`} />
        <NumberField label="Sample seed" min={0} max={MAX_SEED} value={sampleSeed} onChange={(v) => setSampleOptions({ sampleSeed: clampInt(v, 0, MAX_SEED) })} hint="Same seed, same sample" />
        <NumberField
          label="Live sample every"
          min={0}
          value={liveEvery}
          onChange={(v) => setSampleOptions({ liveEvery: clampInt(v, 0, 1_000_000) })}
          suffix={<span className="muted sample-suffix">{liveEvery > 0 ? 'steps' : 'off'}</span>}
          hint="While training; 0 = off"
        />
      </div>
      <Checkbox
        label="Greedy"
        checked={sampling.greedy}
        onChange={(greedy) => setSampling({ greedy })}
        hint="Always the most likely token; ignores temperature, top-k and top-p."
      />
      <Checkbox
        label="Half-precision weights (f16)"
        checked={halfWeights && !onCpu}
        disabled={onCpu}
        onChange={(v) => setSampleOptions({ halfWeights: v })}
        hint={onCpu
          ? 'GPU engine only: the CPU engine computes in float64.'
          : 'Sample from a 16-bit copy of the weights: half the bytes read per token, about three significant digits kept.'}
      />
    </>
  );
}

/**
 * Generate, plus the message runSample does not give: when the model cannot be built it only
 * sets the Data/Model panels' errors, so say it here too, next to the button that was pressed.
 */
function useGenerate(): { generate: () => void; buildError: string | null } {
  const runSample = useAppStore((s) => s.runSample);
  const [buildError, setBuildError] = useState<string | null>(null);
  const generate = async () => {
    const before = useAppStore.getState();
    if (before.sampleBusy || before.modelBusy || before.dataBusy) return; // a build is already under way
    setBuildError(null);
    // runSample sets sampleBusy only once the model is built: if it never did, the build failed.
    let started = false;
    const off = useAppStore.subscribe((s) => {
      if (s.sampleBusy) started = true;
    });
    try {
      await runSample();
    } finally {
      off();
    }
    const s = useAppStore.getState();
    if (!started && !s.sampleError) {
      setBuildError(buildErrorMessage(s.dataError ?? s.modelError?.message));
    }
  };
  return { generate: () => void generate(), buildError };
}

function GenerateRow({ onGenerate, buildError }: { onGenerate: () => void; buildError: string | null }) {
  const sampling = useAppStore((s) => s.sampleBusy);
  // runSample first tokenizes and builds the model (if settings changed), which can take a
  // while: that counts as busy too, or a second click would start a second build.
  const preparing = useAppStore((s) => !s.sampleBusy && (s.modelBusy || s.dataBusy));
  const count = useAppStore((s) => s.sampleTokens.length);
  const maxTokens = useAppStore((s) => s.maxTokens);
  const sampleError = useAppStore((s) => s.sampleError);
  const busy = sampling || preparing;
  return (
    <>
      <div className="sample-actions">
        <button type="button" onClick={onGenerate} disabled={busy} aria-busy={busy}>
          Generate
        </button>
        <span className="sample-status" role="status" data-testid="sample-status">
          {busy && <span className="sample-spinner" aria-hidden="true" />}
          {sampling ? `Generating… ${count} / ${maxTokens} tokens` : preparing ? 'Preparing the model…' : count > 0 ? `${count} tokens` : ''}
        </span>
      </div>
      <FieldError message={sampleError ?? buildError} testId="sample-error" />
    </>
  );
}

function SampleControls() {
  const { generate, buildError } = useGenerate();
  return (
    <div className="sample-controls">
      <PromptField onGenerate={generate} />
      <SamplingControls />
      <GenerateRow onGenerate={generate} buildError={buildError} />
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
            <span className="sample-prompt-text">{prompt}</span>
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
  return (
    <Panel id="sample" title="Sample">
      <div className="sample-panel">
        <SampleControls />
        <div className="sample-results">
          <SampleOutput />
          <ProbBars />
        </div>
      </div>
    </Panel>
  );
}
