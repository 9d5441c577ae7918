// A training session inside the worker: the corpus and its tokenizer, the model (on the GPU
// or the CPU reference), the run loop, sampling and attention maps. One per worker.
import type { WorkerDevice } from './device';
import { validateConfig, type GPTConfig } from '../core/config';
import { checkMemory, DEFAULT_MEMORY_BUDGET, estimateMemory } from '../core/memory';
import { countParams, paramLayout, type QuantizedParams } from '../core/params';
import { generate, type GenerateOptions } from '../engine/sample/generate';
import { checkGenerateOptions } from '../core/distribution';
import { nextTask } from './next-task';
import type { Tokenizer } from '../engine/tokenize';
import { tokenizeCorpus } from './corpus';
import { splitTokens } from '../engine/train/data';
import { validateSettings, type TrainSettings } from '../core/settings';
import type { TrainerEvents } from '../engine/train/trainer';
import type { Divergence } from '../engine/train/last-good';
import { CpuBackend, GpuBackend, type ModelBackend } from './backends';
import type { ProfileReport } from '../engine/gpu/profiler';
import type { InitialState, AttentionReport, Backend, DataReport, Event, ModelChoice, ModelInit, ModelReport, OnnxCheck, OnnxProvider, SampleResult, TokenizerChoice, TrainChanges, TrainState } from '../core/protocol';
import { checkpointBytes, compareLogits, dequantizeInit, onnxBytes, quantized } from './files';
import { runOnnx } from './ort';
import { InputError } from './errors';
import type { Gpu } from '../engine/gpu/device';
import type { DeviceLostError, GpuOperationError } from '../engine/gpu/errors';
import { DeviceRecovery, lostWithin } from './device-recovery';
import { divergedMessage, stepFaultMessage, uncapturedErrorMessage } from './fault-messages';
import { InspectSession } from './inspect-session';
import { InUse } from './in-use';

export { InputError } from './errors';

/** CPU mode (engine/cpu, across the cores): up to this size a step of 16 × 64 tokens takes about 1.5 s on two cores. */
export const CPU_MAX_PARAMS = 5_000_000;

export class Session {
  private text = '';
  private tokenizer: Tokenizer | null = null;
  private tokens: Uint32Array | null = null;
  private backend: ModelBackend | null = null;
  private config: GPTConfig | null = null;
  private settings: TrainSettings | null = null;
  private state: TrainState = 'idle';
  private loop: Promise<void> | null = null;
  private divergedAt: Divergence | null = null;
  /** A GPU error no scope caught while the loop ran: the loop pauses on it. */
  private outsideError: GpuOperationError | null = null;
  private readonly trainerEvents: TrainerEvents = {
    onStep: (report) => this.emit({ type: 'step', report }),
    onDiverged: (step, loss, gradNorm) => {
      this.divergedAt = gradNorm === undefined ? { step, loss } : { step, loss, gradNorm };
    },
  };
  /** Samples under way, by request id, and whether a stop was asked for. */
  private readonly samples = new Map<number, { stop: boolean }>();
  private readonly inUse = new InUse();
  /** Runs a request that reads the model (maps, samples, logits, views): the model outlives it. */
  readonly use = <T>(work: () => Promise<T>): Promise<T> => this.inUse.track(work);
  /** The Inspect area's queries and the units switched off (which samples and attention maps use). */
  readonly inspect = new InspectSession({
    backend: () => this.requireBackend(),
    model: () => ({ config: this.config!, settings: this.settings!, tokenizer: this.tokenizer!, tokens: this.tokens! }),
    encodePrompt: (prompt) => this.encodePrompt(prompt),
  });

  /** A lost device's model, kept on the CPU and built again on a new device. */
  private readonly recovery = new DeviceRecovery({
    modelOn: (device) => (this.backend instanceof GpuBackend && this.backend.gpu.device === device ? this.backend : null),
    stopLoop: async () => {
      if (this.state === 'running') this.state = 'paused'; // the loop stops at its next check
      await this.loop;
    },
    setModel: (model) => (this.backend = model),
    build: async (state) => {
      const { gpu, kernelConfig } = await this.getDevice();
      const model = await GpuBackend.create(gpu, kernelConfig, this.config!, this.settings!, this.tokens!, this.trainerEvents, state);
      if (gpu.lostError) {
        model.destroy(); // that device was lost too while the model was built: try the next one
        throw gpu.lostError;
      }
      return model;
    },
    openDevice: () => this.getDevice(),
    pause: (message) => this.setState('paused', message),
    emit: (e) => this.emit(e),
  });

  constructor(
    private readonly getDevice: () => Promise<WorkerDevice>,
    private readonly emit: (e: Event) => void,
  ) {}

  async setData(text: string, choice: TokenizerChoice): Promise<DataReport> {
    if (text.length === 0) throw new InputError('text', 'The text is empty: paste or open some text to train on.');
    await this.dispose();
    const corpus = tokenizeCorpus(text, choice, (fraction, message) => this.emit({ type: 'progress', task: 'tokenize', fraction, message }));
    this.text = text;
    this.tokenizer = corpus.tokenizer;
    this.tokens = corpus.tokens;
    return corpus.report;
  }

  async createModel(model: ModelChoice, train: TrainSettings, backend: Backend, start?: ModelInit): Promise<ModelReport> {
    if (!this.tokens || !this.tokenizer) throw new InputError('text', 'Choose the text to train on first.');
    await this.disposeModel();
    const config: GPTConfig = { ...model, vocabSize: this.tokenizer.vocabSize };
    const problems = [...validateConfig(config), ...validateSettings(train, config.blockSize)];
    if (problems.length) throw new InputError('model', problems.join(' '));
    try {
      splitTokens(this.tokens, train.blockSize);
    } catch (e) {
      throw new InputError('text', (e as Error).message);
    }
    const memory = estimateMemory(config, train.batchSize, train.blockSize, train.gradAccumSteps);
    const init = start && dequantizeInit(config, start);
    if (init) {
      const expected = paramLayout(config).totalElems;
      for (const [name, a] of [['weights', init.params], ['Adam m', init.m], ['Adam v', init.v]] as const) {
        if (a && a.length !== expected) throw new InputError('model', `The saved ${name} have ${a.length} values; this model needs ${expected}. The settings do not match the saved model.`);
      }
    }
    const nParams = countParams(config);
    const events = this.trainerEvents;
    if (backend === 'gpu') {
      const { gpu, kernelConfig } = await this.getDevice();
      const fit = checkMemory(memory, { ...gpu.limits, budget: DEFAULT_MEMORY_BUDGET }, config, train.batchSize, train.blockSize);
      if (fit) throw new InputError('model', fit);
      this.backend = await GpuBackend.create(gpu, kernelConfig, config, train, this.tokens, events, init);
    } else {
      if (nParams > CPU_MAX_PARAMS) {
        throw new InputError('model', `CPU mode handles models up to ${CPU_MAX_PARAMS.toLocaleString('en')} parameters; this one has ${nParams.toLocaleString('en')}. Choose fewer layers or a smaller width.`);
      }
      this.backend = new CpuBackend(config, train, this.tokens, events, init);
    }
    this.config = config;
    this.settings = train;
    this.setState('paused');
    return { backend, config, params: nParams, memory };
  }

  private setState(state: TrainState, message?: string): void {
    this.state = state;
    this.emit({ type: 'state', state, step: this.backend?.step ?? this.recovery.keptState?.step ?? 0, message });
  }

  private requireBackend(): ModelBackend {
    const waiting = this.recovery.waitingMessage;
    if (!this.backend && waiting) throw new InputError('train', waiting);
    if (!this.backend) throw new InputError('model', 'Create the model first.');
    return this.backend;
  }

  /** The model, once a restore under way after a lost device has ended. */
  private async settledBackend(): Promise<ModelBackend> {
    await this.recovery.settled();
    return this.requireBackend();
  }

  async train(action: 'start' | 'pause' | 'step'): Promise<{ step: number; state: TrainState }> {
    const kept = this.recovery.keptState;
    if (kept) {
      if (action === 'pause') return { step: kept.step, state: this.state };
      await this.recovery.restore(); // Train after a lost device continues the same run
    }
    const b = this.requireBackend();
    if (action === 'pause') {
      if (this.state !== 'running') return { step: b.step, state: this.state };
      // Stop the loop first and say 'paused' once its last step is in: the page saves the run
      // on that news, and a save read before the step landed would miss it.
      this.state = 'paused';
      await this.loop;
      if (this.state === 'paused') this.setState('paused');
      return { step: b.step, state: this.state };
    }
    if (b.diverged) throw new InputError('train', 'Training diverged and there are no earlier good weights to go back to: lower the learning rate and press Reset.');
    if (this.state === 'running') return { step: b.step, state: this.state };
    if (action === 'step') {
      await b.trainStep();
      await b.flush();
      if (!(await this.recoverIfStopped(b))) await this.maybeEvaluate(b);
      return { step: b.step, state: this.state };
    }
    this.setState('running');
    this.loop = this.run(b);
    return { step: b.step, state: this.state };
  }

  private async run(b: ModelBackend): Promise<void> {
    try {
      while (this.state === 'running' && b.step < this.settings!.maxSteps && !b.diverged && !b.fault && !this.outsideError) {
        await b.trainStep();
        await this.maybeEvaluate(b);
      }
      await b.flush();
      if (await this.recoverIfStopped(b)) return;
      if (this.outsideError && this.state === 'running') this.setState('paused', uncapturedErrorMessage(this.outsideError, true));
      else if (this.state === 'running') this.setState(b.step >= this.settings!.maxSteps ? 'done' : 'paused');
    } catch (e) {
      // A lost device fails whatever was waiting on it: the device-loss recovery speaks for it.
      if (!(b instanceof GpuBackend && (await lostWithin(b.gpu, 1000)))) this.setState('paused', `Training stopped: ${(e as Error).message}`);
    } finally {
      this.outsideError = null;
    }
  }

  /**
   * After a NaN loss or gradient norm, or a step the GPU refused: pause, go back to the last good weights, and
   * say what happened and what to do. False when neither happened. A step that failed because
   * the device was lost is left to deviceLost(), which restores the run on a new device.
   */
  private async recoverIfStopped(b: ModelBackend): Promise<boolean> {
    const fault = b.fault;
    if (!fault && !b.diverged) return false;
    if (fault?.kind === 'readback' && b instanceof GpuBackend && (await lostWithin(b.gpu, 1000))) return true;
    const at = this.divergedAt ?? b.diverged ?? { step: b.step, loss: NaN };
    const restored = await b.restoreLastGood();
    this.inspect.modelChanged();
    this.divergedAt = null;
    if (fault) this.setState('paused', stepFaultMessage(fault, restored));
    else this.setState('diverged', divergedMessage(at, this.settings?.lr, restored));
    return true;
  }

  private async maybeEvaluate(b: ModelBackend): Promise<void> {
    const every = this.settings!.evalEvery;
    if (every > 0 && b.step % every === 0 && !b.diverged && !b.fault) this.emit({ type: 'eval', report: await b.evaluate() });
  }

  /** A GPU error no scope caught (evaluation, sampling): a running loop pauses on it, otherwise it is said at once. */
  gpuErrorOutsideStep(error: GpuOperationError): void {
    if (this.state === 'running') this.outsideError ??= error;
    else this.emit({ type: 'state', state: this.state, step: this.backend?.step ?? 0, message: uncapturedErrorMessage(error, false) });
  }

  /** The GPU device `lost` is gone: see DeviceRecovery. Never throws. */
  deviceLost(lost: Gpu, error: DeviceLostError): Promise<void> {
    return this.recovery.deviceLost(lost, error);
  }

  /** For tests: the next training step also records `record`, inside its error scopes. */
  recordIntoNextStep(record: (enc: GPUCommandEncoder) => void): { step: number } {
    const b = this.requireBackend();
    if (!(b instanceof GpuBackend)) throw new InputError('model', 'Only the GPU engine records commands: create the model on the GPU.');
    b.recordIntoNextStep(record);
    return { step: b.step + 1 };
  }

  updateTrain(changes: TrainChanges): { step: number } {
    const b = this.requireBackend();
    b.update(changes);
    this.settings = { ...this.settings!, ...changes };
    return { step: b.step };
  }

  async evaluate() {
    const b = this.requireBackend();
    const r = await b.evaluate();
    this.emit({ type: 'eval', report: r });
    return r;
  }

  private encodePrompt(prompt: string): Uint32Array {
    const ids = this.tokenizer!.encode(prompt, { unknown: 'skip' });
    // An empty prompt starts from the first token of the text (a newline, often).
    return ids.length ? ids : this.tokens!.subarray(0, 1);
  }

  async sample(id: number, prompt: string, options: GenerateOptions, halfWeights = false): Promise<SampleResult> {
    const b = this.requireBackend();
    const problem = Object.values(checkGenerateOptions(options))[0];
    if (problem) throw new InputError('sample', problem);
    const tok = this.tokenizer!;
    const src = (await this.inspect.logitsSource()) ?? (await b.logitsSource({ halfWeights }));
    const stream = tok.streamDecoder();
    const out: number[] = [];
    let text = '';
    const control = { stop: false };
    this.samples.set(id, control);
    try {
      for await (const g of generate(src, this.encodePrompt(prompt), options)) {
        // A Stop read while this token was computed: drop it, so the result is exactly the
        // tokens the page was sent. Leaving the loop ends the generator: no further work.
        if (control.stop) break;
        out.push(g.token);
        const piece = stream.push(g.token);
        text += piece;
        this.emit({ type: 'sample-token', sampleId: id, token: g.token, text: piece, label: tok.tokenLabel(g.token), probs: Float32Array.from(g.probs), logits: g.logits });
        await nextTask();
        if (control.stop) break; // read during the pause: do not compute another token
      }
    } finally {
      this.samples.delete(id);
    }
    text += stream.flush();
    return { text, tokens: out, stopped: control.stop && out.length < options.maxTokens };
  }

  /** Asks the sample started by request `id` to end before its next token. */
  stopSample(id: number): { running: boolean } {
    const sample = this.samples.get(id);
    if (sample) sample.stop = true;
    return { running: sample !== undefined };
  }

  async attention(prompt: string): Promise<AttentionReport> {
    const b = this.requireBackend();
    const ids = this.encodePrompt(prompt).slice(-this.config!.blockSize);
    const probs = (await this.inspect.attention(ids)) ?? (await b.attention(ids));
    return { tokens: Array.from(ids, (id) => this.tokenizer!.tokenLabel(id)), nLayer: this.config!.nLayer, nHead: this.config!.nHead, probs };
  }

  async getParams(): Promise<{ step: number; params: Float32Array }> {
    const b = await this.settledBackend();
    await b.flush();
    return { step: b.step, params: await b.params() };
  }

  async logits(ids: number[]): Promise<Float32Array> {
    const b = this.requireBackend();
    const V = this.config!.vocabSize;
    if (ids.length < 1 || ids.length > this.config!.blockSize || ids.some((t) => !Number.isInteger(t) || t < 0 || t >= V)) {
      throw new InputError('sample', `token ids must be 1..${this.config!.blockSize} values in [0, ${V})`);
    }
    return b.logits(Uint32Array.from(ids));
  }

  /**
   * 'step': one real training step, profiled (it trains like any other and is reported as a
   * step); 'token': decoding one token after the text's first token, which leaves the model as it was.
   */
  async profile(what: 'step' | 'token'): Promise<ProfileReport> {
    const b = this.requireBackend();
    if (b.kind !== 'gpu') throw new InputError('model', 'The profiler times GPU kernels: create the model on the GPU to use it.');
    if (this.state === 'running') throw new InputError('train', 'Pause training to profile: a profile needs the GPU to itself.');
    if (what === 'token') return b.profile('token', this.encodePrompt(''));
    if (b.diverged) throw new InputError('train', 'Training diverged: lower the learning rate and press Reset before profiling a step.');
    const report = await b.profile('step', this.encodePrompt(''));
    if (!(await this.recoverIfStopped(b))) {
      this.setState(this.state); // the step counter moved
      await this.maybeEvaluate(b);
    }
    return report;
  }

  async getState(): Promise<InitialState> {
    const b = await this.settledBackend().catch((e: unknown) => {
      if (this.recovery.keptState) return null; // the device is gone: the state kept on the CPU is the run
      throw e;
    });
    return b ? b.state() : { ...this.recovery.keptState! };
  }

  /** The model as a safetensors checkpoint carrying the tokenizer and the app's demo JSON. */
  async exportCheckpoint(demo: unknown): Promise<{ bytes: Uint8Array; step: number }> {
    const { params, step } = await this.getParams();
    return { bytes: checkpointBytes(this.config!, params, this.tokenizer!.toJSON(), step, demo), step };
  }

  async exportOnnx(): Promise<{ bytes: Uint8Array; step: number }> {
    const { params, step } = await this.getParams();
    return { bytes: onnxBytes(this.config!, params), step };
  }

  /** Runs the ONNX export through onnxruntime-web and compares its logits with the engine's. */
  async verifyOnnx(provider: OnnxProvider, prompt: string): Promise<OnnxCheck> {
    const { params } = await this.getParams();
    const ids = this.encodePrompt(prompt).slice(-this.config!.blockSize);
    const ours = await this.requireBackend().logits(ids);
    const theirs = await runOnnx(onnxBytes(this.config!, params), Array.from(ids), provider);
    return { ...compareLogits(ours, theirs), tokens: ids.length };
  }

  async quantizedParams(): Promise<{ quantized: QuantizedParams; config: GPTConfig; step: number }> {
    const { params, step } = await this.getParams();
    return { quantized: quantized(this.config!, params), config: this.config!, step };
  }

  private async disposeModel(): Promise<void> {
    if (this.state === 'running') this.state = 'paused';
    await this.loop;
    this.loop = null;
    for (const sample of this.samples.values()) sample.stop = true;
    await this.inUse.settled(); // maps, samples and views under way end before the model goes
    this.backend?.destroy();
    this.backend = null;
    this.inspect.clear();
    this.recovery.forget();
    this.state = 'idle';
  }

  async dispose(): Promise<void> {
    await this.disposeModel();
    this.tokens = null;
    this.tokenizer = null;
    this.text = '';
  }

  /** For the device benchmark: whether training runs, and the model's shapes (null: none built). */
  get benchmarkModel() { return { running: this.state === 'running', model: this.backend && { config: this.config!, settings: this.settings! } }; }
  get corpusLength(): number { return this.text.length; }
}
