// What became of a queued training step: its losses and gradient norm, or the reason it
// failed on the GPU.
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

export type StepOutcome = { losses: Float32Array; gradNorm: number; fault?: undefined } | { fault: StepFault };

const describe = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** A step's readback (stepReadbackValues in core/allocations): its micro-batches' losses, then its gradient norm. */
function parseReadback(buf: ArrayBuffer): { losses: Float32Array; gradNorm: number } {
  const values = new Float32Array(buf);
  return { losses: values.subarray(0, values.length - 1), gradNorm: values[values.length - 1] };
}

/**
 * The step's losses and norm read back and the errors its scopes caught, as one promise that
 * never rejects (both are handled the moment they exist, so neither is ever left without a handler).
 */
export function stepOutcome(step: number, readback: Promise<ArrayBuffer>, errors: Promise<GpuOperationError | null>): Promise<StepOutcome> {
  return Promise.all([readback, errors]).then(
    ([buf, error]): StepOutcome => (error ? { fault: { step, kind: error.kind, message: error.detail } } : parseReadback(buf)),
    (e: unknown): StepOutcome => ({ fault: { step, kind: 'readback', message: `the loss of step ${step} could not be read back: ${describe(e)}` } }),
  );
}
