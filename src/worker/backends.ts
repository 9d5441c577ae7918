// The two engines a session can train with, behind one interface: the GPU engine, and the
// float32 CPU engine (its work split across workers) for machines without WebGPU (small models only).
import type { Gpu } from '../engine/gpu/device';
import type { KernelConfig } from '../engine/kernels/config';
import type { GPTConfig } from '../core/config';
import { Trainer, type EvalReport, type StepFault, type TrainerEvents } from '../engine/train/trainer';
import type { TrainingState } from '../engine/train/cpu-copy';
import type { Divergence } from '../engine/train/last-good';
import type { ProfileReport } from '../engine/gpu/profiler';
import type { TrainSettings } from '../core/settings';
import { CpuTrainer, initialParams } from '../engine/train/cpu-trainer';
import { CpuGPT } from '../engine/cpu/model';
import { DataParallelGPT } from '../engine/cpu/parallel';
import { Decoder } from '../engine/sample/decoder';
import { Inference } from '../engine/sample/inference';
import { HalfWeights } from '../engine/model/half-weights';
import { RerunSource, type LogitsSource } from '../engine/sample/generate';
import type { InitialState, TrainChanges } from '../core/protocol';
import type { InspectEngine } from '../engine/inspect/engine';
import { GpuInspector } from '../engine/inspect/gpu-inspector';
import { RefInspector } from '../engine/inspect/ref-inspector';

export interface ModelBackend {
  readonly kind: 'gpu' | 'cpu';
  readonly step: number;
  readonly diverged: Divergence | null;
  /** A step the GPU refused (an error scope caught it) or whose loss never came back; null on the CPU. */
  readonly fault: StepFault | null;
  /** Queues one optimizer step; metrics arrive through the events. */
  trainStep(): Promise<void>;
  /** Waits until every queued step has reported. */
  flush(): Promise<void>;
  evaluate(): Promise<EvalReport>;
  update(changes: TrainChanges): void;
  /** With halfWeights (GPU only) the linear layers read an f16 copy of the weights. */
  logitsSource(opts?: { halfWeights?: boolean }): Promise<LogitsSource>;
  /** Logits (T, V) of every position of a token sequence. */
  logits(tokens: Uint32Array): Promise<Float32Array>;
  /** Every layer's attention probabilities (NH, T, T) for a token sequence. */
  attention(tokens: Uint32Array): Promise<Float32Array[]>;
  /** The forward with interventions and captures the Inspect area runs on (the current weights). */
  inspector(): InspectEngine;
  params(): Promise<Float32Array>;
  /** Weights, Adam state and step, to save and later resume the run. */
  state(): Promise<InitialState>;
  /** After a NaN loss or gradient norm, or a fault: back to the last good weights; their step, or -1 if there are none. */
  restoreLastGood(): Promise<number>;
  /**
   * Profiles one real training step, or the decoding of one token after `prompt` (prefilled
   * first). The GPU engine only: the CPU one has no dispatches to time.
   */
  profile(what: 'step' | 'token', prompt: Uint32Array): Promise<ProfileReport>;
  destroy(): void;
}

export class GpuBackend implements ModelBackend {
  readonly kind = 'gpu';
  private decoder: Decoder | null = null;
  private inference: Inference;
  /** The f16 path, built on first use: the packed copy and its own decoder and inference. */
  private half: { weights: HalfWeights; decoder: Decoder | null; inference: Inference } | null = null;
  /** Built on first use: its plans are made per batch shape as the views ask. */
  private inspectEngine: GpuInspector | null = null;

  private constructor(
    private readonly trainer: Trainer,
    /** The device's kernel configuration when the model was created: every plan of the model uses it. */
    private readonly kernelConfig: KernelConfig,
  ) {
    this.inference = new Inference(trainer.gpu, kernelConfig, trainer.weights);
  }

  static async create(gpu: Gpu, kernelConfig: KernelConfig, config: GPTConfig, settings: TrainSettings, tokens: Uint32Array,
    events: TrainerEvents, init?: InitialState) {
    // The training plan is built on the first step or evaluation: a model opened to be
    // looked at (a demo, a link) compiles only what its maps and samples use.
    return new GpuBackend(await Trainer.create(gpu, kernelConfig, config, settings, tokens, { events, ...init, deferBuild: true }), kernelConfig);
  }

  get step() {
    return this.trainer.step;
  }
  get diverged() {
    return this.trainer.diverged;
  }
  get fault() {
    return this.trainer.fault;
  }
  /** The device the model lives on. */
  get gpu(): Gpu {
    return this.trainer.gpu;
  }
  /** The last good state on the CPU: what the model is rebuilt from on a new device. */
  get lastGoodOnCpu(): TrainingState {
    return this.trainer.lastGoodOnCpu;
  }
  /** For tests: adds `record` to the next step, inside its error scopes. */
  recordIntoNextStep(record: (enc: GPUCommandEncoder) => void): void {
    this.trainer.recordIntoNextStep(record);
  }
  trainStep() {
    return this.trainer.trainStep();
  }
  flush() {
    return this.trainer.flush();
  }
  evaluate() {
    return this.trainer.evaluate();
  }
  update(changes: TrainChanges) {
    this.trainer.update(changes);
  }
  async logitsSource(opts: { halfWeights?: boolean } = {}): Promise<LogitsSource> {
    const c = this.trainer.config;
    const { gpu, weights } = this.trainer;
    if (opts.halfWeights && !this.half) {
      const hw = await HalfWeights.create(gpu, weights);
      this.half = { weights: hw, decoder: null, inference: new Inference(gpu, this.kernelConfig, weights, { half: hw }) };
    }
    const half = opts.halfWeights ? this.half : null;
    if (!c.causal) {
      // Without the mask a KV cache is wrong: every earlier position sees the new token.
      const inference = half?.inference ?? this.inference;
      return new RerunSource(c.blockSize, c.vocabSize, (ctx) => inference.logits(ctx));
    }
    if (half) return (half.decoder ??= await Decoder.build(gpu, this.kernelConfig, weights, { half: half.weights }));
    this.decoder ??= await Decoder.build(gpu, this.kernelConfig, weights);
    return this.decoder;
  }
  attention(tokens: Uint32Array) {
    return this.inference.attention(tokens);
  }
  logits(tokens: Uint32Array) {
    return this.inference.logits(tokens);
  }
  inspector(): InspectEngine {
    return (this.inspectEngine ??= new GpuInspector(this.trainer.gpu, this.kernelConfig, this.trainer.weights));
  }
  params() {
    return this.trainer.weights.read('params');
  }
  async profile(what: 'step' | 'token', prompt: Uint32Array): Promise<ProfileReport> {
    if (what === 'step') return this.trainer.profileStep();
    const src = await this.logitsSource();
    if (!(src instanceof Decoder)) throw new Error('Profiling a sampled token needs a causal model: without the mask there is no KV-cached decoding to profile.');
    const context = prompt.slice(-(src.blockSize - 1)); // room for the profiled token
    await src.prefill(context);
    return src.profileNext(context[context.length - 1]);
  }
  restoreLastGood() {
    return this.trainer.restoreLastGood();
  }
  async state(): Promise<InitialState> {
    await this.trainer.flush();
    const w = this.trainer.weights;
    // The step and the three copies are taken in one go: a running loop may queue the next
    // step at any await, and the state must be one step's.
    const step = this.trainer.step;
    const [params, m, v] = await Promise.all([w.read('params'), w.read('m'), w.read('v')]);
    const state = { params, m, v, step };
    this.trainer.offerCpuCopy(state); // a save's read also refreshes the copy a new device would start from
    return state;
  }
  destroy() {
    this.decoder?.destroy();
    this.inference.destroy();
    this.inspectEngine?.destroy();
    if (this.half) {
      this.half.decoder?.destroy();
      this.half.inference.destroy();
      this.half.weights.destroy();
    }
    this.trainer.destroy();
  }
}

export class CpuBackend implements ModelBackend {
  readonly kind = 'cpu';
  private readonly trainer: CpuTrainer<DataParallelGPT>;
  /** Samples, logits and attention maps, in this thread: it reads the trainer's parameters in place. */
  private readonly inference: CpuGPT;
  private lastTime = 0;
  /** Reads the trainer's parameters on every run: it sees the model as trained so far. */
  private readonly inspectEngine: RefInspector;

  constructor(
    private readonly config: GPTConfig,
    private settings: TrainSettings,
    tokens: Uint32Array,
    private readonly events: TrainerEvents,
    init?: InitialState,
  ) {
    this.trainer = new CpuTrainer(new DataParallelGPT(config, initialParams(config, settings, init?.params)), settings, tokens, init);
    this.inference = new CpuGPT(config, this.trainer.model.params);
    this.inspectEngine = new RefInspector(config, () => this.trainer.model.params);
  }

  get step() {
    return this.trainer.step;
  }
  get diverged() {
    return this.trainer.diverged;
  }
  readonly fault = null;

  async trainStep() {
    const t0 = performance.now();
    const { loss, lr, diverged } = await this.trainer.trainStep();
    const now = performance.now();
    const stepMs = now - (this.lastTime || t0);
    this.lastTime = now;
    const step = this.trainer.step;
    if (diverged) this.events.onDiverged?.(step, loss, this.trainer.diverged?.gradNorm);
    const s = this.settings;
    this.events.onStep?.({ step, loss, lr, stepMs, tokensPerSec: (s.batchSize * s.blockSize * s.gradAccumSteps * 1000) / stepMs });
    // Let the worker read its messages between steps (pause, sliders).
    await new Promise((r) => setTimeout(r, 0));
  }

  async flush() {
    this.lastTime = 0;
  }

  async profile(): Promise<ProfileReport> {
    throw new Error('The profiler times GPU kernels: create the model on the GPU to use it.');
  }
  async restoreLastGood() {
    return this.trainer.restoreLastGood();
  }

  evaluate(): Promise<EvalReport> {
    return this.trainer.evaluate();
  }

  update(changes: TrainChanges) {
    this.settings = { ...this.settings, ...changes };
    this.trainer.settings = this.settings;
  }

  async logitsSource(): Promise<LogitsSource> {
    const m = this.inference;
    return new RerunSource(this.config.blockSize, this.config.vocabSize, async (ctx) => m.forward(ctx, null, 1, ctx.length).logits.slice());
  }

  async logits(tokens: Uint32Array) {
    return this.inference.forward(tokens, null, 1, tokens.length).logits.slice();
  }

  async attention(tokens: Uint32Array) {
    this.inference.forward(tokens, null, 1, tokens.length);
    return this.inference.attentionProbs();
  }

  inspector(): InspectEngine {
    return this.inspectEngine;
  }

  async params() {
    return this.trainer.model.params.slice();
  }

  async state(): Promise<InitialState> {
    const { m, v } = this.trainer.optimizerState();
    return { params: Float32Array.from(this.trainer.model.params), m: Float32Array.from(m), v: Float32Array.from(v), step: this.trainer.step };
  }

  destroy() {
    this.trainer.model.destroy();
  }
}
