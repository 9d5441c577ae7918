// Pieces every view of the Inspect area uses: its titled section (a landmark named by its
// heading), the note shown before a model exists, the token chips that pick a position, a
// short list of bars for predictions, and the line saying what a result was measured on.
import { useId, type ReactNode } from 'react';
import type { Prediction } from '../../core/inspect';
import type { InspectError, InspectInputs, InspectKind, InspectView, QueryOf } from '../../state/slices/inspect';
import { useAppStore } from '../../state/store';
import { FieldError } from '../controls/controls';
import { formatProb } from '../sample/format';
import { measuredOn } from './text';

export const sectionId = (id: string) => `inspect-${id}`;

interface ViewSectionProps {
  id: string;
  title: string;
  /** One sentence: what the view shows and what to look for. */
  intro: ReactNode;
  children: ReactNode;
}

/** A view's section; before a model exists it says what to do instead of showing its inputs. */
export function ViewSection({ id, title, intro, children }: ViewSectionProps) {
  const hasModel = useAppStore((s) => s.modelReport !== null);
  const building = useAppStore((s) => s.modelBusy);
  return (
    <section className={`panel inspect-view inspect-${id}`} id={sectionId(id)} aria-labelledby={`${sectionId(id)}-title`} data-testid={sectionId(id)}>
      <h2 id={`${sectionId(id)}-title`} tabIndex={-1}>
        {title}
      </h2>
      <p className="inspect-intro muted">{intro}</p>
      {hasModel ? (
        children
      ) : (
        <p className="inspect-no-model" data-testid="inspect-no-model">
          {building
            ? 'The model is being built…'
            : 'No model yet. Open a demo in the Playground (its gallery has trained ones), or train a model there; then come back.'}
        </p>
      )}
    </section>
  );
}

/** The error of a view when it belongs next to `field`. */
export function ViewError({ error, field, testId }: { error: InspectError | null; field: string; testId?: string }) {
  return <FieldError message={error?.field === field ? error.message : null} testId={testId} />;
}

interface RunButtonProps {
  busy: boolean;
  onClick: () => void;
  children: ReactNode;
  /** What it says while its query runs. */
  busyLabel?: string;
  testId?: string;
}

/**
 * A Run button that says when it is running (the result region announces the result). It is
 * not disabled meanwhile, only inert: a disabled button would drop the keyboard's focus.
 */
export function RunButton({ busy, onClick, children, busyLabel = 'Measuring…', testId }: RunButtonProps) {
  return (
    <button type="button" onClick={() => busy || onClick()} aria-disabled={busy} aria-busy={busy} data-testid={testId}>
      {busy ? busyLabel : children}
    </button>
  );
}

/** "Measured at step 500, with L1 H3 off." under a result. */
export function MeasuredNote<K extends InspectKind>({ view }: { view: InspectView<K> }) {
  const on = measuredOn(view.step, view.ablated);
  if (!on) return null;
  return <p className="inspect-measured muted">Measured {on}.</p>;
}

interface TokenChipsProps {
  tokens: readonly string[];
  selected: number;
  onSelect: (index: number) => void;
  /** The accessible name of the group, e.g. "Position". */
  label: string;
  /** Inert while a query runs (not disabled: that would drop the keyboard's focus). */
  disabled?: boolean;
}

/** The prompt's tokens as toggle buttons, one of them pressed: the position looked at. */
export function TokenChips({ tokens, selected, onSelect, label, disabled }: TokenChipsProps) {
  return (
    <div className="inspect-chips" role="group" aria-label={label} data-testid="token-chips">
      {tokens.map((t, i) => (
        <button
          key={i}
          type="button"
          className="inspect-chip"
          aria-pressed={i === selected}
          aria-label={`${i + 1}: ${t}`}
          aria-disabled={disabled}
          onClick={() => disabled || onSelect(i)}
        >
          {t}
        </button>
      ))}
    </div>
  );
}

/** Predictions as a list of bars, most likely first. */
export function PredictionBars({ items, label, testId }: { items: readonly Prediction[]; label: string; testId?: string }) {
  return (
    <ol className="inspect-bars" aria-label={label} data-testid={testId}>
      {items.map((p, i) => (
        <li key={i} className="inspect-bar" data-value={p.p}>
          <span className="inspect-bar-label">{p.label}</span>{' '}
          <span className="inspect-bar-track" aria-hidden="true">
            <span className="inspect-bar-fill" style={{ width: `${Math.min(100, Math.max(0, p.p * 100))}%` }} />
          </span>{' '}
          <span className="inspect-bar-value">{formatProb(p.p)}</span>
        </li>
      ))}
    </ol>
  );
}

/** The Sample panel's prompt, the default text of the views that take one. */
export const useSamplePrompt = () => useAppStore((s) => s.prompt);

/** The views that run at one position of a prompt, and the field that holds each one's prompt. */
type PromptViews = { lens: 'lensPrompt'; neuronsAt: 'neuronsPrompt' };

/**
 * The state of a view that runs at a position of a prompt (the logit lens, the neurons): its
 * prompt (the Sample panel's until edited), its last report, and the props of its
 * PromptAtPosition (but for the names). `emptyMessage` is said when the prompt is empty.
 */
export function usePromptAtPosition<K extends keyof PromptViews>(kind: K, input: PromptViews[K], emptyMessage: string) {
  const view = useAppStore((s) => s.inspect[kind]) as InspectView<K>;
  const stored = useAppStore((s) => s.inspectInputs[input]);
  const samplePrompt = useSamplePrompt();
  const setInputs = useAppStore((s) => s.setInspectInputs);
  const run = useAppStore((s) => s.runInspect);
  const setError = useAppStore((s) => s.setInspectError);
  const prompt = stored ?? samplePrompt;
  const report = view.result;
  // The chips are the tokens of the prompt last run: for another prompt, Run first.
  const chipsApply = report !== null && (view.query as { prompt: string } | null)?.prompt === prompt;
  const go = (position: number) => {
    if (prompt === '') {
      setError(kind, { field: 'prompt', message: emptyMessage });
      return;
    }
    void run({ kind, prompt, position } as QueryOf<K>);
  };
  return {
    view,
    report,
    run,
    promptProps: {
      prompt,
      edited: stored !== null,
      onChange: (v: string) => setInputs({ [input]: v } as Partial<InspectInputs>),
      go,
      busy: view.busy,
      error: view.error,
      shown: chipsApply && report ? report : null,
    },
  };
}

interface PromptAreaProps {
  label: string;
  value: string;
  onChange: (v: string) => void;
  /** Ctrl/Cmd+Enter; plain Enter stays a newline (prompts often have several lines). */
  onRun: () => void;
  invalid?: boolean;
  hint?: ReactNode;
  testId?: string;
}

/** A labelled prompt field, with its hint under it. */
export function PromptArea({ label, value, onChange, onRun, invalid, hint, testId }: PromptAreaProps) {
  const id = useId();
  return (
    <div className="field inspect-prompt">
      <label htmlFor={id}>{label}</label>
      <textarea
        id={id}
        rows={2}
        value={value}
        spellCheck={false}
        aria-invalid={invalid ? true : undefined}
        aria-describedby={hint ? `${id}-hint` : undefined}
        data-testid={testId}
        onChange={(e) => onChange(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            onRun();
          }
        }}
      />
      {hint && (
        <small id={`${id}-hint`} className="muted">
          {hint}
        </small>
      )}
    </div>
  );
}

interface PromptAtPositionProps {
  /** 'lens' or 'neurons': names the test ids. */
  name: string;
  prompt: string;
  /** Whether the user has edited the prompt (otherwise it follows the Sample panel's). */
  edited: boolean;
  onChange: (prompt: string) => void;
  /** Runs the view at a position of the prompt (−1: its last token). */
  go: (position: number) => void;
  busy: boolean;
  error: InspectError | null;
  /** The tokens of the prompt last run and the position shown; null before a run. */
  shown: { tokens: readonly string[]; position: number } | null;
  chipsLabel: string;
  /** Its own name ("Lens prompt"): the Sample panel's field is the page's "Prompt". */
  promptLabel: string;
}

/** A prompt, its Run button, and once run the prompt's tokens as chips to pick a position. */
export function PromptAtPosition({ name, prompt, edited, onChange, go, busy, error, shown, chipsLabel, promptLabel }: PromptAtPositionProps) {
  return (
    <>
      <div className="inspect-inputs">
        <PromptArea
          label={promptLabel}
          value={prompt}
          onChange={onChange}
          onRun={() => go(-1)}
          invalid={error?.field === 'prompt'}
          hint={`${edited ? '' : 'The Sample panel’s prompt until you edit it. '}Ctrl+Enter runs it.`}
          testId={`${name}-prompt`}
        />
        <ViewError error={error} field="prompt" testId={`${name}-error`} />
        <div className="inspect-actions">
          <RunButton busy={busy} onClick={() => go(-1)} testId={`${name}-run`}>
            Show at the last token
          </RunButton>
        </div>
      </div>
      {shown && (
        <div className="inspect-position-pick">
          <p className="inspect-minor">Position (pick a token):</p>
          <TokenChips tokens={shown.tokens} selected={shown.position} onSelect={(i) => go(i)} label={chipsLabel} disabled={busy} />
        </div>
      )}
      <ViewError error={error} field="position" testId={`${name}-position-error`} />
    </>
  );
}
