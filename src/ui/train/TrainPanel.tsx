// The Training panel: run controls and state, live readouts (step, losses, throughput, ETA)
// and the loss chart. The hyperparameters are edited in TrainSettings (a settings drawer);
// both share the values as typed through TrainDraftProvider. Per-step numbers reach the page
// through transient metrics-store subscriptions (useTrainStats, LossChart), never through
// React renders.
import { useRef, useState, type ReactNode } from 'react';
import { useAppStore, type AppState } from '../../state/store';
import type { TrainState } from '../../core/protocol';
import { FieldError, Panel } from '../controls/controls';
import { LossChart } from './LossChart';
import { useTrainDraft } from './TrainDraft';
import { useTrainStats } from './useTrainStats';
import './train.css';

const STATE_LABEL: Record<TrainState, string> = { idle: 'Idle', running: 'Running', paused: 'Paused', done: 'Done', diverged: 'Diverged' };

/** One sentence under the state badge: what the state means and what to do next. */
function stateNote(state: TrainState, step: number, maxSteps: number, busy: boolean): string {
  if (busy) return 'Preparing the text and building the model…';
  switch (state) {
    case 'idle':
      return 'No model yet: Train builds one from the Data and Model settings, then starts.';
    case 'running':
      return 'Training. Pause stops after the current step.';
    case 'paused':
      if (step === 0) return 'Model built: Train runs, Step takes one step.';
      if (step >= maxSteps) return `Paused at step ${step.toLocaleString('en-US')}, the end of the run.`;
      return `Paused at step ${step.toLocaleString('en-US')}: Train resumes.`;
    case 'done':
      return step >= maxSteps ? `Finished ${step.toLocaleString('en-US')} steps.` : 'Stopped: Train continues to the new step count.';
    case 'diverged':
      return 'Training blew up (see why below). Lower the learning rate, then Train to go on, or Reset.';
  }
}

/** Steps that "Train N more steps" adds to a finished run (a trained demo opens finished). */
export const MORE_STEPS = 500;

/** Whether Train or Step may be pressed, from the store as it is now (not as last rendered). */
function canRun(s: Pick<AppState, 'trainState' | 'step' | 'train' | 'modelBusy' | 'dataBusy'>): boolean {
  const finished = s.step > 0 && s.step >= s.train.maxSteps;
  // 'diverged' is not excluded: the worker puts back the last good weights, and Train continues
  // from them (if there were none, it answers with a message shown under the buttons).
  return s.trainState !== 'running' && !finished && !s.modelBusy && !s.dataBusy;
}

/**
 * aria-disabled rather than disabled: a button that disables itself on press (Train) keeps
 * keyboard focus instead of dropping it to the page. onPress checks the live state itself, so
 * a click landing just before React redraws the button is judged on the facts.
 */
function ActionButton({ label, enabled, onPress, primary }: { label: string; enabled: boolean; onPress: () => void; primary?: boolean }) {
  return (
    <button type="button" className={primary ? 'train-btn' : 'train-btn secondary'} aria-disabled={!enabled} onClick={onPress}>
      {label}
    </button>
  );
}

const STATS: { key: 'step' | 'loss' | 'val' | 'tokens' | 'stepTime' | 'eta'; label: string; testId: string }[] = [
  { key: 'step', label: 'Step', testId: 'stat-step' },
  { key: 'loss', label: 'Train loss', testId: 'stat-loss' },
  { key: 'val', label: 'Val loss', testId: 'stat-val' },
  { key: 'tokens', label: 'Tokens/s', testId: 'stat-tokens' },
  { key: 'stepTime', label: 'Step time', testId: 'stat-steptime' },
  { key: 'eta', label: 'ETA', testId: 'stat-eta' },
];

function StatsReadout({ maxSteps, step, stalled }: { maxSteps: number; step: number; stalled: boolean }) {
  const ref = useTrainStats<HTMLDListElement>(maxSteps, step, stalled);
  // The text here is a placeholder that React never changes: useTrainStats owns it.
  return (
    <dl className="train-stats" ref={ref} aria-label="Training statistics">
      {STATS.map((s) => (
        <div key={s.key} className="train-stat">
          <dt>{s.label}</dt>
          <dd>
            <span data-testid={s.testId} data-stat={s.key}>
              —
            </span>
            {s.key === 'step' && <span className="train-stat-of" data-stat="total" />}
          </dd>
          {s.key === 'val' && <dd className="train-stat-sub" data-stat="valStep" data-testid="stat-val-step" />}
        </div>
      ))}
    </dl>
  );
}

/** `status`: a line about the run under the chart (the autosave's). */
export function TrainPanel({ status }: { status?: ReactNode }) {
  const train = useAppStore((s) => s.train);
  const trainState = useAppStore((s) => s.trainState);
  const trainMessage = useAppStore((s) => s.trainMessage);
  const step = useAppStore((s) => s.step);
  const busy = useAppStore((s) => s.modelBusy || s.dataBusy);
  const modelError = useAppStore((s) => s.modelError);
  const dataError = useAppStore((s) => s.dataError);
  const start = useAppStore((s) => s.start);
  const pause = useAppStore((s) => s.pause);
  const stepOnce = useAppStore((s) => s.stepOnce);
  const reset = useAppStore((s) => s.reset);
  const { errors, flush } = useTrainDraft();
  // The device benchmark measures training steps on the same device: a run waits for it.
  const benchmarking = useAppStore((s) => s.benchmarkBusy);
  const running = trainState === 'running';
  const valid = Object.keys(errors).length === 0;
  // One request at a time from these buttons: a double-clicked Step would otherwise send two
  // steps to the worker at once. The ref answers clicks; the state only redraws the buttons.
  const inFlight = useRef(false);
  const [waiting, setWaiting] = useState(false);
  const send = (action: () => Promise<void>) => {
    if (inFlight.current || !valid || useAppStore.getState().benchmarkBusy || !canRun(useAppStore.getState())) return;
    flush();
    inFlight.current = true;
    setWaiting(true);
    void action().finally(() => {
      inFlight.current = false;
      setWaiting(false);
    });
  };

  const onReset = () => {
    const s = useAppStore.getState();
    if (s.modelBusy || s.dataBusy) return;
    flush();
    void reset();
  };

  const canTrain = !waiting && valid && !benchmarking && canRun({ trainState, step, train, modelBusy: busy, dataBusy: false });
  // A finished run (a demo opens at its end) goes on with one press: the run's length grows
  // by MORE_STEPS (the Steps field follows), then it trains.
  const finished = step > 0 && step >= train.maxSteps && (trainState === 'paused' || trainState === 'done');
  const trainMore = () => {
    flush();
    const s = useAppStore.getState();
    const maxSteps = s.step + MORE_STEPS;
    // Only a finished run that could train with the steps raised (send judges it again).
    if (inFlight.current || !valid || s.benchmarkBusy || s.step < s.train.maxSteps || !canRun({ ...s, train: { ...s.train, maxSteps } })) return;
    s.setTrain({ maxSteps });
    send(start);
  };
  // Errors caused elsewhere are shown by their own panel; here, only where to look.
  const elsewhere = busy ? null : dataError || modelError?.field === 'text' ? 'Data' : modelError && modelError.field !== 'train' ? 'Model' : null;

  return (
    <Panel
      id="train"
      title="Training"
      actions={
        <div className="train-buttons" role="group" aria-label="Training controls">
          <ActionButton label="Train" primary enabled={canTrain} onPress={() => send(start)} />
          <ActionButton label="Pause" enabled={running} onPress={() => useAppStore.getState().trainState === 'running' && void pause()} />
          <ActionButton label="Step" enabled={canTrain} onPress={() => send(stepOnce)} />
          <ActionButton label="Reset" enabled={!busy} onPress={onReset} />
        </div>
      }
    >
      <div className="train-panel">
        <div className="train-toolbar">
          <p className="train-state" role="status" data-testid="train-state" data-state={trainState}>
            <span className={`train-badge train-badge-${busy ? 'busy' : trainState}`}>{busy ? 'Building' : STATE_LABEL[trainState]}</span>
            <span className="train-state-note">{stateNote(trainState, step, train.maxSteps, busy)}</span>
          </p>
          {finished && !busy && (
            <button type="button" className="train-btn secondary train-more" aria-disabled={waiting || !valid || benchmarking} onClick={trainMore} data-testid="train-more">
              Train {MORE_STEPS} more steps
            </button>
          )}
        </div>
        {trainMessage && (
          <p className="train-message" role="alert" data-testid="train-message">
            {trainMessage}
          </p>
        )}
        <FieldError message={modelError?.field === 'train' ? modelError.message : null} testId="train-error" />
        {elsewhere && (
          <p className="train-elsewhere" data-testid="train-blocked">
            Training cannot start yet: see the message in the {elsewhere} settings.
          </p>
        )}
        {!valid && <p className="train-elsewhere">Fix the hyperparameters marked under Settings to train.</p>}
        {benchmarking && (
          <p className="train-elsewhere" data-testid="train-benchmarking">
            Training is paused while Benchmark this device runs on the Device tab.
          </p>
        )}
        <StatsReadout maxSteps={train.maxSteps} step={step} stalled={trainState === 'diverged'} />
        <LossChart />
        {status && <div className="train-run-status">{status}</div>}
      </div>
    </Panel>
  );
}
