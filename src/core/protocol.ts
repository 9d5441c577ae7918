// The one typed message protocol between the app and the engine worker. Requests carry an
// id; each gets exactly one reply with the same id. Events (progress, metrics, sample tokens,
// state changes) flow from the worker without a request. Errors cross as plain data.
import type { GPTConfig } from './config';
import type { GenerateOptions } from './distribution';
import type { Ablation, InspectQuery, InspectResult } from './inspect';
import type { MemoryEstimate } from './memory';
import type { QuantizedParams } from './params';
import type { DeviceBenchReport, EvalReport, ProfileReport, StepReport } from './reports';
import type { TrainSettings } from './settings';
import type { TokenizerJSON } from './tokenizer-json';

export type { EvalReport, StepReport, ProfileReport };

export interface AdapterReport {
  description: string;
  isFallback: boolean;
  features: string[];
  limits: Record<string, number>;
  shaders: { file: string; ok: boolean }[];
}

export type TokenizerChoice = { kind: 'char' } | { kind: 'bpe'; vocabSize: number };

export interface DataReport {
  chars: number;
  tokens: number;
  vocabSize: number;
  trainTokens: number;
  valTokens: number;
  tokenizer: TokenizerJSON;
  /** Printable label of every token id ('␣', '↵', '<0xE2>'), for the probability bars. */
  labels: string[];
}

export type Backend = 'gpu' | 'cpu';

/** The model's shape and variants; the vocabulary size comes from the tokenizer. */
export type ModelChoice = Omit<GPTConfig, 'vocabSize'>;

export interface ModelReport {
  backend: Backend;
  config: GPTConfig;
  params: number;
  memory: MemoryEstimate;
}

export type TrainChanges = Partial<Pick<TrainSettings, 'lr' | 'minLr' | 'warmupSteps' | 'maxSteps' | 'weightDecay' | 'gradClip' | 'evalEvery' | 'evalIters'>>;

/** Weights to start a model from, with the optimizer state when resuming a run. */
export interface InitialState {
  params: Float32Array;
  m?: Float32Array;
  v?: Float32Array;
  /** Optimizer steps already taken (the schedule and Adam's bias correction continue). */
  step: number;
}

/** What a model can start from: saved weights (and optimizer state), or a share link's int8 weights. */
export type ModelInit = InitialState | { quantized: QuantizedParams; step: number };

/** A checkpoint file as the worker read it; `demo` is the app's JSON, unchecked (persist/demo.ts checks it). */
export interface CheckpointContents {
  config: GPTConfig;
  params: Float32Array;
  step: number;
  tokenizer: TokenizerJSON | null;
  demo: unknown;
}

/** How far onnxruntime-web's logits for the exported model are from the engine's own. */
export interface OnnxCheck {
  maxAbsDiff: number;
  maxRelDiff: number;
  tokens: number;
}

export type OnnxProvider = 'wasm' | 'webgpu';

export interface AttentionReport {
  /** Printable label of each prompt token (the heatmaps' axes). */
  tokens: string[];
  nLayer: number;
  nHead: number;
  /** One (NH, T, T) array per layer: row = query position, column = key position. */
  probs: Float32Array[];
}

export interface SampleResult {
  text: string;
  tokens: number[];
  /** True when a stopSample request ended it early: text and tokens are what came before. */
  stopped: boolean;
}

export type TrainState = 'idle' | 'running' | 'paused' | 'done' | 'diverged';

export type Request =
  | { id: number; type: 'probe' }
  | { id: number; type: 'setData'; text: string; tokenizer: TokenizerChoice }
  | { id: number; type: 'createModel'; model: ModelChoice; train: TrainSettings; backend: Backend; init?: ModelInit }
  | { id: number; type: 'train'; action: 'start' | 'pause' | 'step' }
  | { id: number; type: 'updateTrain'; changes: TrainChanges }
  | { id: number; type: 'evaluate' }
  /** halfWeights: the GPU engine samples with an f16 copy of the weights (the CPU one ignores it). */
  | { id: number; type: 'sample'; prompt: string; options: GenerateOptions; halfWeights?: boolean }
  /**
   * Ends the sample whose 'sample' request had id sampleId before its next token; that request
   * then resolves with the tokens so far and stopped: true. Handled between the sample's tokens
   * (the worker reads messages whenever the generation loop awaits).
   */
  | { id: number; type: 'stopSample'; sampleId: number }
  | { id: number; type: 'attention'; prompt: string }
  | { id: number; type: 'getParams' }
  | { id: number; type: 'getState' }
  | { id: number; type: 'logits'; ids: number[] }
  /** The model as a safetensors checkpoint, with the app's demo JSON in its metadata. */
  | { id: number; type: 'exportCheckpoint'; demo: unknown }
  | { id: number; type: 'readCheckpoint'; bytes: Uint8Array }
  | { id: number; type: 'exportOnnx' }
  /** Runs the ONNX export of the model through onnxruntime-web on the prompt's tokens. */
  | { id: number; type: 'verifyOnnx'; provider: OnnxProvider; prompt: string }
  /** The weights quantised to int8, for a share link. */
  | { id: number; type: 'quantizedParams' }
  | { id: number; type: 'profile'; what: 'step' | 'token' }
  /** A view of the Inspect area, computed on the model as it is now (with the ablations in force). */
  | { id: number; type: 'inspect'; query: InspectQuery }
  /**
   * Units switched off from now on: samples, the next-token bars, the attention maps and the
   * surprisal are computed with them off (training is not affected). Empty: none.
   */
  | { id: number; type: 'setAblations'; ablations: Ablation[] }
  /**
   * "Benchmark this device": kernels at the model's shapes and training steps on this adapter
   * (progress arrives as 'progress' events of task 'benchmark'). Not while training runs.
   * steps: timed training steps, 1..1000 (default 10).
   */
  | { id: number; type: 'benchmark'; steps?: number }
  | { id: number; type: 'dispose' }
  /**
   * Test hooks, run the way the faults they stand for happen: destroys the worker's GPU device
   * (a driver reset), or adds a dispatch the GPU refuses to the next training step.
   */
  | { id: number; type: 'debugDestroyDevice' }
  | { id: number; type: 'debugBadDispatch' };

export type RequestType = Request['type'];

export interface ResultOf {
  probe: AdapterReport;
  setData: DataReport;
  createModel: ModelReport;
  train: { step: number; state: TrainState };
  updateTrain: { step: number };
  evaluate: EvalReport;
  sample: SampleResult;
  /** running: whether that sample was still going (false: it had already finished). */
  stopSample: { running: boolean };
  attention: AttentionReport;
  getParams: { step: number; params: Float32Array };
  getState: InitialState;
  logits: Float32Array;
  exportCheckpoint: { bytes: Uint8Array; step: number };
  readCheckpoint: CheckpointContents;
  exportOnnx: { bytes: Uint8Array; step: number };
  verifyOnnx: OnnxCheck;
  quantizedParams: { quantized: QuantizedParams; config: GPTConfig; step: number };
  profile: ProfileReport;
  inspect: InspectResult;
  /** The names of the units now off. */
  setAblations: { ablated: string[] };
  benchmark: DeviceBenchReport;
  dispose: null;
  /** destroyed: false when the worker had no device yet. */
  debugDestroyDevice: { destroyed: boolean };
  /** The step that will carry the bad dispatch. */
  debugBadDispatch: { step: number };
}

/** An error as it crosses the worker boundary: enough for a specific message in the UI. */
export interface WireError {
  name: string; // 'GpuUnavailableError' | 'ShaderCompileError' | 'DeviceLostError' | 'ShapeError' | 'CorpusTooShortError' | ...
  message: string;
  /** GpuUnavailableError.reason, ShaderCompileError file:line, ... */
  code?: string;
  details?: Record<string, string | number | boolean>;
}

export type Reply =
  | { id: number; ok: true; result: ResultOf[RequestType] }
  | { id: number; ok: false; error: WireError };

export type Event =
  /**
   * The GPU device was lost (for any reason). 'restoring': the worker is opening a new device
   * and building the model there from its last good state, that of `step` (null: there was no
   * GPU model); 'gave-up': it stopped trying (lost too often, or no device opens), and the
   * error's message says what to do.
   */
  | { type: 'device-lost'; error: WireError; recovery: 'restoring' | 'gave-up'; step: number | null }
  /** A new device works; step: where the model was restored (paused), or null when there was no GPU model. */
  | { type: 'device-restored'; step: number | null }
  /** An error or a rejected promise in the worker that nothing handled: a bug, said so that it is seen. */
  | { type: 'unhandled-error'; error: WireError }
  | { type: 'progress'; task: 'tokenize' | 'compile' | 'benchmark'; fraction: number; message: string }
  | { type: 'step'; report: StepReport }
  | { type: 'eval'; report: EvalReport }
  | { type: 'state'; state: TrainState; step: number; message?: string }
  | { type: 'sample-token'; sampleId: number; token: number; text: string; label: string; probs: Float32Array; logits: Float32Array };

export type WorkerMessage = Reply | ({ id?: undefined } & Event);
