// What the engine reports about its work: a training step, an evaluation, a profile. Plain
// data, so that it crosses the worker boundary and the UI reads it without the engine.

export interface StepReport {
  step: number; // 1-based count of optimizer updates
  loss: number; // mean train loss over the step's micro-batches
  lr: number;
  tokensPerSec: number;
  stepMs: number;
}

export interface EvalReport {
  step: number;
  train: number;
  val: number;
}

export type ProfileMode = 'timestamp' | 'wall';

export interface KernelTime {
  label: string;
  count: number;
  /** GPU milliseconds summed over the kernel's dispatches; null in 'wall' mode. */
  ms: number | null;
}

export interface ProfileReport {
  mode: ProfileMode;
  /**
   * 'timestamp': from the first pass's beginning to the last pass's end on the GPU clock.
   * 'wall': from the end of encoding to onSubmittedWorkDone on the CPU clock.
   */
  totalMs: number;
  dispatches: number;
  /** Grouped by Dispatch.label; the slowest first ('wall': the most frequent first). */
  kernels: KernelTime[];
}

/** One kernel case of the device benchmark. */
export interface DeviceBenchKernel {
  kernel: string;
  /** e.g. '1024x64x192' for a matmul (rows × inner × outputs). */
  size: string;
  ms: number;
  gflops?: number;
  gbps?: number;
}

/** "Benchmark this device": what it measured, to copy into a bug report or compare. */
export interface DeviceBenchReport {
  /** The adapter as the browser describes it (vendor / architecture / description, fallback or not). */
  adapter: { description: string; isFallback: boolean; features: string[]; limits: Record<string, number> };
  userAgent: string;
  date: string;
  kernels: DeviceBenchKernel[];
  /** Training steps of each measured model size. */
  training: { model: string; params: number; stepMs: number; tokensPerSec: number; steps: number }[];
  /** Where one training step of the first size spends its GPU time, kernel by kernel. */
  stepProfile: { kernel: string; ms: number; share: number }[];
  /** Whether stepProfile comes from GPU timestamps (else wall time per pass). */
  timestamps: boolean;
  seconds: number;
}
