// What the Train panel says when a run stops for a reason that is not the user's doing: a
// diverged loss or gradient norm, a step the GPU refused, a lost device. Each names what
// happened, where the run is now, and what to do next.
import type { StepFault } from '../engine/train/trainer';
import type { Divergence } from '../engine/train/last-good';
import type { GpuOperationError } from '../engine/gpu/errors';

const SEE_OTHER_TABS = 'close other tabs or programs that use the GPU heavily (games, video calls, other machine-learning pages)';

/** The loss, or the gradient norm of a step whose loss was still finite, became NaN or infinite. */
export function divergedMessage(at: Divergence, lr: number | undefined, restored: number): string {
  const what = at.gradNorm === undefined ? `The loss became ${at.loss}` : `The gradient norm became ${at.gradNorm} (the loss was ${at.loss.toPrecision(4)})`;
  const advice = `The learning rate (${lr}) is probably too high: lower it`;
  return restored >= 0
    ? `${what} at step ${at.step}, so training paused and the model went back to its weights from step ${restored}. ${advice}, then press Train to continue.`
    : `${what} at step ${at.step}, so training paused. ${advice} and press Reset.`;
}

const FAULT_ADVICE: Record<StepFault['kind'], string> = {
  validation: 'The GPU refused a command of the playground: please report this message with your browser and GPU.',
  'out-of-memory': `The GPU ran out of memory: choose a smaller model or batch, or ${SEE_OTHER_TABS}.`,
  internal: `The GPU driver failed: if it happens again, reload the page, or ${SEE_OTHER_TABS}.`,
  readback: 'If it happens again, reload the page.',
};

/** A training step failed on the GPU: the scope kind and the browser's message, and the step the run went back to. */
export function stepFaultMessage(fault: StepFault, restored: number): string {
  const what = fault.kind === 'readback' ? `Step ${fault.step} failed: ${fault.message}` : `A GPU ${fault.kind} error stopped training at step ${fault.step}: ${fault.message.trim()}`;
  const where =
    restored >= 0
      ? `Training paused and the model went back to its weights from step ${restored}; press Train to continue.`
      : 'Training paused; there are no earlier weights to go back to: press Reset.';
  return `${what}\n${where} ${FAULT_ADVICE[fault.kind]}`;
}

/** A GPU error outside the training steps' scopes (evaluation, sampling, attention maps). */
export function uncapturedErrorMessage(error: GpuOperationError, paused: boolean): string {
  return `The GPU reported a ${error.kind} error outside a training step: ${error.detail.trim()}${paused ? '\nTraining paused; press Train to continue.' : ''}`;
}

/** The device was lost and the run came back on a new one. */
export function deviceResetMessage(step: number): string {
  return `The GPU was reset; restored step ${step}. Press Train to continue the run.`;
}

/** The device keeps getting lost, or no new one could be opened: the worker stops trying. */
export function gaveUpMessage(reason: string, step: number | null): string {
  const kept = step === null ? '' : ` Your run is kept at step ${step}: press Train to try once more, or reload the page to continue it from the autosave.`;
  return `${reason}${kept} If it keeps happening, ${SEE_OTHER_TABS}, or choose a smaller model.`;
}
