// What the CPU trainer (../train/cpu-trainer.ts) drives: a model in the flat parameter layout
// that takes the gradient of a step's micro-batches, in this thread or spread over workers.
// The float32 engine (DataParallelGPT) and the float64 reference both implement it, so one
// trainer runs either.
import type { ParamLayout } from '../../core/params';

/** B sequences of T tokens and their next tokens, (B, T) each. */
export interface TokenBatch {
  inputs: Uint32Array;
  targets: Uint32Array;
}

export interface TrainableModel {
  readonly layout: ParamLayout;
  /** The parameters, updated in place by the trainer's optimizer and restores. */
  readonly params: Float32Array | Float64Array;
  /** Where gradient() leaves its result. */
  readonly grads: Float32Array | Float64Array;
  /**
   * grads = the gradient of the mean over `batches` of each batch's mean loss (overwritten);
   * returns that mean loss.
   */
  gradient(batches: readonly TokenBatch[], B: number, T: number): number | Promise<number>;
  /** Each batch's mean loss, forward only. */
  losses(batches: readonly TokenBatch[], B: number, T: number): ArrayLike<number> | Promise<ArrayLike<number>>;
}
