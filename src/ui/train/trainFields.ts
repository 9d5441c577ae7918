// The Train panel's settings: label, input constraints, whether a change applies to a running
// model at its next step or rebuilds the model, and the check run before a value is sent.
import type { TrainSettings } from '../../core/settings';

export type TrainFieldKey = 'lr' | 'minLr' | 'warmupSteps' | 'maxSteps' | 'weightDecay' | 'gradClip' | 'evalEvery' | 'batchSize' | 'seed';

export interface TrainFieldSpec {
  key: TrainFieldKey;
  label: string;
  /** True: the worker applies it at the next step. False: it rebuilds the model (step 0). */
  live: boolean;
  integer: boolean;
  min: number;
  max?: number;
  /** Arrow-key increment; also what the browser's number input accepts as a multiple. */
  step: number;
  hint?: string;
  /**
   * Sent only when the field loses focus or Enter is pressed, not after a typing pause: typing
   * "2000" slowly into Steps mid-run would otherwise send "2" and end the run at once.
   */
  waitForBlur?: boolean;
}

/** Matches the store's LIVE list (state/slices/train.ts): the rest invalidate the model. */
export const TRAIN_FIELDS: readonly TrainFieldSpec[] = [
  { key: 'lr', label: 'Learning rate', live: true, integer: false, min: 0, step: 1e-4, hint: 'Peak rate, reached after warm-up.' },
  { key: 'minLr', label: 'Min learning rate', live: true, integer: false, min: 0, step: 1e-5, hint: 'Where the cosine decay ends.' },
  { key: 'warmupSteps', label: 'Warm-up steps', live: true, integer: true, min: 0, step: 1 },
  { key: 'maxSteps', label: 'Steps', live: true, integer: true, min: 1, step: 1, hint: 'Length of the run.', waitForBlur: true },
  { key: 'weightDecay', label: 'Weight decay', live: true, integer: false, min: 0, step: 0.01 },
  { key: 'gradClip', label: 'Clipping', live: true, integer: false, min: 0, step: 0.1, hint: 'Max gradient norm; 0 turns it off.' },
  { key: 'evalEvery', label: 'Evaluate every', live: true, integer: true, min: 0, step: 1, hint: 'Steps between validation checks; 0: never.' },
  { key: 'batchSize', label: 'Batch size', live: false, integer: true, min: 1, max: 4096, step: 1, hint: 'Sequences per step.' },
  { key: 'seed', label: 'Seed', live: false, integer: true, min: 0, max: 2 ** 32 - 1, step: 1, hint: 'Same seed, same run.' },
];

export const FIELD_BY_KEY = Object.fromEntries(TRAIN_FIELDS.map((f) => [f.key, f])) as Record<TrainFieldKey, TrainFieldSpec>;

/** Why a value cannot be used for a field, in a sentence naming the field; null if it can. */
export function checkField(spec: TrainFieldSpec, v: number): string | null {
  if (!Number.isFinite(v)) return `${spec.label} needs a number.`;
  if (spec.integer && !Number.isInteger(v)) return `${spec.label} must be a whole number (got ${v}).`;
  if (v < spec.min) return spec.min === 0 ? `${spec.label} cannot be negative.` : `${spec.label} must be at least ${spec.min}.`;
  if (spec.max !== undefined && v > spec.max) return `${spec.label} can be at most ${spec.max.toLocaleString('en-US')}.`;
  return null;
}

/** Errors of every field whose value (a draft, else the stored setting) cannot be used. */
export function checkFields(values: Pick<TrainSettings, TrainFieldKey>): Partial<Record<TrainFieldKey, string>> {
  const errors: Partial<Record<TrainFieldKey, string>> = {};
  for (const spec of TRAIN_FIELDS) {
    const e = checkField(spec, values[spec.key]);
    if (e) errors[spec.key] = e;
  }
  return errors;
}
