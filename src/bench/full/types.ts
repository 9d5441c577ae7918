// What the full benchmark page measures and reports to scripts/bench.mjs (bench.json).
import type { ProfileReport } from '../../engine/gpu/profiler';
import type { BenchResult } from '../../engine/bench/harness';
import type { TrainingResult } from '../../engine/bench/training';

export type { TrainingResult, TrainSize } from '../../engine/bench/training';

export interface InferenceResult {
  model: string;
  T: number;
  /** Our engine: Inference.logits (record, submit, read back the (T, V) logits). */
  oursMs: number;
  /** onnxruntime-web's webgpu EP on the ONNX export: session.run with CPU output. */
  ortMs: number | null;
  /** ortMs / oursMs: above 1 means ours is faster. */
  forwardVsOrt: number | null;
  /** Our forward with f16 weights (HalfWeights, packed in the same submission). */
  oursHalfMs: number;
  /** max |f16-weight logits − f32-weight logits|. */
  halfMaxAbsDiff: number;
  /** max |ours − ort| over the logits, as a sanity check that both ran the same model. */
  maxAbsDiff: number | null;
  runs: number;
  ortError?: string;
}

export interface SamplingResult {
  model: string;
  tokens: number;
  promptLength: number;
  kvTokensPerSec: number;
  rerunTokensPerSec: number;
  /** Median ms of one appended token (next()) with the cache, and re-running the context. */
  kvNextMs: number;
  rerunNextMs: number;
  /** KV-cache tokens/s / rerun tokens/s. */
  kvVsRerun: number;
  /** Both sources generated the same greedy tokens. */
  sameTokens: boolean;
  /** One more cached token, profiled per kernel. */
  profile: ProfileReport;
}

export interface FirstStepResult {
  model: string;
  /** Train pressed with no model → first step's loss read back, nothing compiled before. */
  firstStepMs: number;
  /** The same again on the same device: pipelines reused from its cache. */
  rebuildMs: number;
  /** As firstStepMs on a fresh device that builds one pipeline at a time (PipelineCache's serial). */
  serialFirstStepMs: number;
  /** Pipelines the first build compiled. */
  pipelines: number;
}

/** The CPU mode's training speed at one size (./cpu.ts): medians of alternating steps. */
export interface CpuResult {
  model: string;
  params: number;
  /** Threads the float32 engine split each batch across, its own included. */
  threads: number;
  rounds: number;
  /** The float32 engine with its workers. */
  stepMs: number;
  tokensPerSec: number;
  /** The same engine in one thread. */
  oneThreadStepMs: number;
  oneThreadTokensPerSec: number;
  /** The float64 reference model (the CPU mode before the float32 engine). */
  referenceStepMs: number;
  referenceTokensPerSec: number;
  /** tokensPerSec / referenceTokensPerSec. */
  vsReference: number;
  oneThreadVsReference: number;
}

export interface FullReport {
  adapter: string;
  date: string;
  kernels: BenchResult[];
  /** Plain matmul time / tiled time, by size. */
  matmulVsPlainBySize: Record<string, number>;
  firstStep: FirstStepResult | null;
  training: TrainingResult[];
  inference: InferenceResult[];
  sampling: SamplingResult[];
  cpu: CpuResult[];
  /** The float32 CPU engine's tokens/s over the float64 path's, the smaller over the sizes. */
  cpuVsReference: number | null;
  /** Pre-formatted table rows per section, printed by the runner with console.table. */
  tables: Record<string, Record<string, string>[]>;
  seconds: number;
}
