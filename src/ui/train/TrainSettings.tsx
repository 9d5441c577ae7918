// The training hyperparameters, in two groups: those a running model picks up at its next
// step, and those that rebuild it. Values are checked as typed (useDraftSettings) and a bad
// one keeps its message under the field.
import type { ReactNode } from 'react';
import { useAppStore } from '../../state/store';
import { FieldError, NumberField } from '../controls/controls';
import { TRAIN_FIELDS, type TrainFieldSpec } from './trainFields';
import { useTrainDraft } from './TrainDraft';
import './train.css';

function Group({ title, hint, children }: { title: string; hint: string; children: ReactNode }) {
  return (
    <fieldset className="train-group">
      <legend>{title}</legend>
      <p className="train-group-hint">{hint}</p>
      <div className="train-fields">{children}</div>
    </fieldset>
  );
}

export function TrainSettings() {
  const running = useAppStore((s) => s.trainState === 'running');
  const busy = useAppStore((s) => s.modelBusy || s.dataBusy);
  const { values, errors, change, flush } = useTrainDraft();

  const field = (spec: TrainFieldSpec) => (
    <div key={spec.key} className="train-field">
      <NumberField
        label={spec.label}
        value={values[spec.key]}
        onChange={(v) => change(spec.key, v)}
        min={spec.min}
        max={spec.max}
        step={spec.step}
        hint={spec.hint}
        disabled={!spec.live && (running || busy)}
      />
      <FieldError message={errors[spec.key]} testId={`train-field-error-${spec.key}`} />
    </div>
  );

  return (
    <div className="train-settings" data-testid="train-settings" onBlur={flush} onKeyDown={(e) => e.key === 'Enter' && flush()}>
      <Group title="Apply at the next step" hint="Change these any time, even while training: the run continues with the new values, and a learning-rate change is marked on the chart.">
        {TRAIN_FIELDS.filter((f) => f.live).map(field)}
      </Group>
      <Group
        title="Rebuild the model"
        hint={running ? 'Pause to change these: a new value starts a fresh model from step 0.' : 'A new value starts a fresh model from step 0 (the chart clears on the next Train).'}
      >
        {TRAIN_FIELDS.filter((f) => !f.live).map(field)}
      </Group>
    </div>
  );
}
