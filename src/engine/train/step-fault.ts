// What became of a queued training step: its losses, or the reason it failed on the GPU.
import type { GpuErrorKind, GpuOperationError } from '../gpu/errors';

/** A training step that failed on the GPU. */
export interface StepFault {
  step: number;
  /**
   * The error scope that caught it, or 'readback' when its loss never came back (the
   * device was lost, or the trainer destroyed, while the step was queued).
   */
  kind: GpuErrorKind | 'readback';
  message: string;
}

export type StepOutcome = { losses: Float32Array; fault?: undefined } | { fault: StepFault };

const describe = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * The step's losses read back and the errors its scopes caught, as one promise that never
 * rejects (both are handled the moment they exist, so neither is ever left without a handler).
 */
export function stepOutcome(step: number, losses: Promise<ArrayBuffer>, errors: Promise<GpuOperationError | null>): Promise<StepOutcome> {
  return Promise.all([losses, errors]).then(
    ([buf, error]): StepOutcome => (error ? { fault: { step, kind: error.kind, message: error.detail } } : { losses: new Float32Array(buf) }),
    (e: unknown): StepOutcome => ({ fault: { step, kind: 'readback', message: `the loss of step ${step} could not be read back: ${describe(e)}` } }),
  );
}
