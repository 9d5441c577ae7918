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
  /** What the case stands for in the model, e.g. 'attention qkv'. */
  role: string;
  ms: number;
  gflops?: number;
  gbps?: number;
}

/** Training steps of one model size on a trainer of the benchmark's own. */
export interface DeviceBenchTraining {
  /** The shapes, e.g. 'L2 H4 C64 T64 B16 V65'. */
  model: string;
  params: number;
  /** Median step-to-step time of the timed steps (pipelined, as the app trains). */
  stepMs: number;
  /** batch × block × gradient accumulation steps. */
  tokensPerStep: number;
  tokensPerSec: number;
  /** Timed steps (after warm-up ones). */
  steps: number;
}

/** One kernel of the profiled training step. */
export interface DeviceBenchStepKernel {
  kernel: string;
  /** Dispatches of it in the step. */
  count: number;
  /** Its GPU time summed over them; null without timestamps. */
  ms: number | null;
  /** 0..1 of the summed kernel time (with timestamps) or of the dispatches (without). */
  share: number;
}

/** "Benchmark this device": what it measured, to copy into a bug report or compare. */
export interface DeviceBenchReport {
  /** The adapter as the browser describes it (vendor / architecture / description, fallback or not). */
  adapter: { description: string; isFallback: boolean; features: string[]; limits: Record<string, number> };
  userAgent: string;
  /** ISO 8601, when the benchmark ended. */
  date: string;
  /** Whose shapes the kernels and the training ran at: the model built in the app, or the default model (none was built). */
  shapes: { source: 'model' | 'default'; model: string };
  kernels: DeviceBenchKernel[];
  /** Training steps of each measured model size. */
  training: DeviceBenchTraining[];
  /** Where one training step of the first size spends its GPU time, kernel by kernel, the slowest first. */
  stepProfile: DeviceBenchStepKernel[];
  /** Whether stepProfile comes from GPU timestamps (else dispatch counts and wall time). */
  timestamps: boolean;
  /** The profiled step: from its first pass to its last on the GPU clock, or its wall time. */
  stepProfileMs: number;
  seconds: number;
}
