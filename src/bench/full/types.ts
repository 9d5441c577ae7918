// What the full benchmark page measures and reports to scripts/bench.mjs (bench.json).
import type { ProfileReport } from '../../engine/gpu/profiler';
import type { BenchResult } from '../harness';

/** One training model size, as in the brief: layers, width, block, batch (heads = 4). */
export interface TrainSize {
  label: string;
  nLayer: number;
  nHead: number;
  nEmbd: number;
  blockSize: number;
  batchSize: number;
}

export interface TrainingResult {
  model: string;
  params: number;
  /** Median over the timed steps of the trainer's own step-to-step interval (pipelined). */
  stepMs: number;
  /** Wall time of the timed steps / their number, as a cross-check of stepMs. */
  wallStepMs: number;
  tokensPerSec: number;
  timedSteps: number;
  /** From the plan: forward + backward per micro-batch, + gradNorm (2) + AdamW (1). */
  dispatchesPerStep: number;
  /** dispatchWorkgroups calls actually recorded during the timed steps / steps. */
  dispatchesCounted: number;
  /** device.queue.submit calls during the timed steps / steps. */
  submitsPerStep: number;
  /** One more step, profiled: GPU time per kernel (timestamp-query) or counts and wall time. */
  profile: ProfileReport;
}

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
  /** Pipelines the first build compiled. */
  pipelines: number;
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
  /** Pre-formatted table rows per section, printed by the runner with console.table. */
  tables: Record<string, Record<string, string>[]>;
  seconds: number;
}
