// The training loop on the GPU. A step is recorded into ONE command encoder and submitted
// once: zero-grad, forward and backward per micro-batch, global norm, AdamW, and a copy of
// the losses and the norm into the readback ring. Nothing inside a step waits for the GPU;
// they arrive a step or two later through the ring and are reported then: a step whose loss
// or gradient norm is not finite diverged. Each step also sits in error scopes
// (validation, out of memory, internal) that settle together with its loss: a step
// the GPU refused is a fault, reported with the scope's kind and message, and the run goes
// back to its last good weights. Those are kept on the CPU as well (cpu-copy.ts), so that a
// run survives the loss of its device.
import type { Gpu } from '../gpu/device';
import { recordPass, type Dispatch } from '../gpu/dispatch';
import { ProfileRecorder, type ProfileOptions, type ProfileReport } from '../gpu/profiler';
import { ReadbackRing, type ReadbackTicket } from '../gpu/readback';
import type { Tensor } from '../gpu/tensor';
import { adamwUpdate, type AdamWDispatch } from '../kernels/adamw';
import { gradNorm, gradNormPartialsLength } from '../kernels/gradnorm';
import type { GPTConfig } from '../../core/config';
import type { KernelConfig } from '../kernels/config';
import { GptPlan } from '../model/gpt';
import { initParams } from '../../core/params';
import { ModelWeights } from '../model/weights';
import { Rng } from '../../core/rng';
import { sampleBatch, splitTokens, type Batch, type Split } from './data';
import { learningRate } from './schedule';
import type { TrainSettings } from '../../core/settings';
import { BatchStaging } from './staging';
import { GpuSnapshotSlots } from './gpu-snapshot-slots';
import { LastGoodSnapshots, type Divergence } from './last-good';
import { evaluateSplits } from './evaluate';
import { planLosses } from './plan-losses';
import type { EvalReport, StepReport } from '../../core/reports';
import { LOSS_READBACK_SLOTS, STEPS_IN_FLIGHT, stepReadbackValues } from '../../core/allocations';
import { tensorBytes } from '../../core/activations';
import { openErrorScopes } from '../gpu/error-scopes';
import { CpuCopyOfLastGood, type TrainingState } from './cpu-copy';
import { stepOutcome, type StepFault, type StepOutcome } from './step-fault';

export type { EvalReport, StepReport } from '../../core/reports';
export type { StepFault } from './step-fault';

export interface TrainerEvents {
  onStep?: (r: StepReport) => void;
  /** The loss of `step` was NaN or infinite; or it was finite and `gradNorm`, the step's gradient norm, was not. */
  onDiverged?: (step: number, loss: number, gradNorm?: number) => void;
}

/** At most this many steps are queued on the GPU ahead of the last loss read back. */
const MAX_IN_FLIGHT = STEPS_IN_FLIGHT;

export class Trainer {
  step = 0;
  private readonly split: Split;
  private readonly batchRng: Rng;
  private readonly ring: ReadbackRing;
  private readonly misc: { buffer: GPUBuffer; lossSlots: Tensor; norm: Tensor; partials: Tensor };
  private norm: Dispatch[] = [];
  private normScope: Gpu | null = null;
  private builtClip = NaN;
  private adamw!: AdamWDispatch;
  /** The training plan, AdamW and the norm: built by prepare(), at create() or on first use. */
  private built: GptPlan | null = null;
  private building: Promise<void> | null = null;
  private destroyed = false;
  private inFlight: Promise<void>[] = [];
  private lastReportTime = 0;
  private staging: BatchStaging | null = null;
  private readonly snapshotSlots: GpuSnapshotSlots;
  private readonly lastGood: LastGoodSnapshots<GPUCommandEncoder>;
  private cpuCopy!: CpuCopyOfLastGood;
  private momentsFrom = 0; // Adam's bias correction counts from this step (see create)
  /** The first step that failed on the GPU since the last restore. */
  private stepFault: StepFault | null = null;
  /** The newest step whose loss came back finite, with no GPU error (or the step started from). */
  private settledStep = 0;
  /** Steps report in order: each one's outcome waits for the previous one's. Never rejects. */
  private lastSettled: Promise<void> = Promise.resolve();
  /** Commands a test asked to add to the next step (see recordIntoNextStep). */
  private extraCommands: ((enc: GPUCommandEncoder) => void) | null = null;

  private constructor(
    /** The trainer's own scope of the device (see create()). */
    readonly gpu: Gpu,
    readonly config: GPTConfig,
    public settings: TrainSettings,
    readonly weights: ModelWeights,
    private readonly kernelConfig: KernelConfig,
    tokens: Uint32Array,
    private events: TrainerEvents,
    snapshotEvery: number,
  ) {
    this.split = splitTokens(tokens, settings.blockSize);
    this.batchRng = new Rng(settings.seed + 1);
    const k = settings.gradAccumSteps;
    this.ring = new ReadbackRing(gpu, 4 * stepReadbackValues(k), LOSS_READBACK_SLOTS);
    const partialsLen = gradNormPartialsLength(gpu, weights.layout.totalElems);
    const buffer = (label: string, n: number) => gpu.buffers.create({ label, size: tensorBytes([n]), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
    const lossBuf = buffer('loss slots', stepReadbackValues(k)); // (k losses, then the norm)
    const normBuf = buffer('grad norm', 2);
    const partialsBuf = buffer('grad norm partials', partialsLen);
    this.misc = {
      buffer: lossBuf,
      lossSlots: { label: 'lossSlots', shape: [k], dtype: 'f32', offset: 0, buffer: lossBuf },
      norm: { label: 'norm', shape: [2], dtype: 'f32', offset: 0, buffer: normBuf },
      partials: { label: 'partials', shape: [partialsLen], dtype: 'f32', offset: 0, buffer: partialsBuf },
    };
    this.snapshotSlots = new GpuSnapshotSlots(gpu, weights);
    this.lastGood = new LastGoodSnapshots(this.snapshotSlots, snapshotEvery);
  }

  /**
   * With `deferBuild` the trainer holds the weights (and their last-good copies) at once but
   * compiles and allocates its training plan, AdamW and the norm on the first step or
   * evaluation (or prepare()): a model opened to be looked at draws its first maps sooner.
   */
  static async create(
    gpu: Gpu,
    kernelConfig: KernelConfig,
    config: GPTConfig,
    settings: TrainSettings,
    tokens: Uint32Array,
    opts: { params?: Float32Array; m?: Float32Array; v?: Float32Array; step?: number; events?: TrainerEvents; snapshotEvery?: number; deferBuild?: boolean } = {},
  ): Promise<Trainer> {
    // Everything the trainer makes is charged to its own scope, freed as one by destroy().
    const own = gpu.scope('trainer');
    const weights = new ModelWeights(own, config);
    try {
      const zeros = new Float32Array(weights.layout.totalElems);
      const start: TrainingState = { step: opts.step ?? 0, params: opts.params ?? initParams(config, weights.layout, settings.seed), m: opts.m ?? zeros, v: opts.v ?? zeros };
      weights.write('params', start.params);
      weights.write('m', start.m);
      weights.write('v', start.v);
      const t = new Trainer(own, config, settings, weights, kernelConfig, tokens, opts.events ?? {}, opts.snapshotEvery ?? 50);
      if (opts.step) t.resumeAt(opts.step);
      if (!(opts.m && opts.v)) t.momentsFrom = opts.step ?? 0; // weights without moments (a demo): Adam afresh
      t.cpuCopy = new CpuCopyOfLastGood(start, () => t.lastGood.confirmed, (slot) => t.snapshotSlots.read(slot));
      if (!opts.deferBuild) await t.prepare();
      return t;
    } catch (e) {
      own.buffers.destroyAll();
      throw e;
    }
  }

  /** Builds the training plan, AdamW and the norm, once; a failed build is tried again next time. */
  prepare(): Promise<void> {
    this.building ??= this.build().catch((e: unknown) => {
      this.building = null;
      throw e;
    });
    return this.building;
  }

  private async build(): Promise<void> {
    const s = this.settings;
    const w = this.weights;
    // Requested together, so that their pipelines compile side by side.
    const [plan, adamw] = await Promise.all([
      GptPlan.build(this.gpu, this.kernelConfig, w, { B: s.batchSize, T: s.blockSize, training: true, gradAccumSteps: s.gradAccumSteps }),
      adamwUpdate(this.gpu, w.flat.params, w.flat.grads, w.flat.m, w.flat.v, this.misc.norm, { decayEnd: w.layout.decayEnd }),
      this.ensureNormDispatches(),
    ]);
    // destroy() ran meanwhile: what the build made after it goes too.
    if (this.destroyed) {
      this.gpu.buffers.destroyAll();
      throw new Error('the trainer was destroyed while its plan was built');
    }
    this.adamw = adamw;
    this.staging = s.gradAccumSteps > 1 ? new BatchStaging(this.gpu, plan, s.gradAccumSteps) : null;
    this.built = plan;
  }

  /** The training plan: forward and backward for (B, T). Throws before prepare() has built it. */
  get plan(): GptPlan {
    if (!this.built) throw new Error('the training plan is not built yet: await prepare() first');
    return this.built;
  }

  /**
   * Continues a run at `step`: the schedule and Adam's bias correction pick up there, and the
   * batch RNG skips the draws the earlier steps made, so a resumed run sees the same batches
   * an uninterrupted one would.
   */
  private resumeAt(step: number): void {
    this.step = step;
    this.settledStep = step;
    const draws = step * this.settings.gradAccumSteps * this.settings.batchSize;
    for (let i = 0; i < draws; i++) this.batchRng.nextU32();
  }

  /** The first non-finite loss or gradient norm since the last restore, or null. */
  get diverged(): Divergence | null {
    return this.lastGood.diverged;
  }

  /** The first step that failed on the GPU since the last restore, or null. */
  get fault(): StepFault | null {
    return this.stepFault;
  }

  /** The newest good state held on the CPU: what the run restarts from on a new device. */
  get lastGoodOnCpu(): TrainingState {
    return this.cpuCopy.latest;
  }

  /**
   * The live state was read back (for a save): it becomes the CPU copy when newer, and the
   * run has neither diverged nor failed since, so that a lost device loses fewer steps.
   */
  offerCpuCopy(state: TrainingState): void {
    if (!this.diverged && !this.stepFault && state.step === this.settledStep) this.cpuCopy.offer(state);
  }

  /**
   * Records `record` into the next step's encoder, inside its error scopes. For tests: a
   * command the GPU refuses makes that step fail as a real one would.
   */
  recordIntoNextStep(record: (enc: GPUCommandEncoder) => void): void {
    this.extraCommands = record;
  }

  setEvents(events: TrainerEvents): void {
    this.events = events;
  }

  /** Settings that may change during a run (lr, schedule, decay, clipping); applied next step. */
  update(changes: Partial<Pick<TrainSettings, 'lr' | 'minLr' | 'warmupSteps' | 'maxSteps' | 'weightDecay' | 'gradClip' | 'evalEvery' | 'evalIters'>>): void {
    this.settings = { ...this.settings, ...changes };
  }

  private async ensureNormDispatches(): Promise<void> {
    if (this.builtClip === this.settings.gradClip) return;
    // The clip lives in the norm's uniform: a new clip is a new uniform, and the old one goes.
    const scope = this.gpu.scope('grad norm');
    this.norm = await gradNorm(scope, this.misc.norm, this.weights.flat.grads, this.misc.partials, { maxNorm: this.settings.gradClip });
    this.normScope?.buffers.destroyAll();
    this.normScope = scope;
    this.builtClip = this.settings.gradClip;
  }

  currentLr(step = this.step): number {
    const s = this.settings;
    return learningRate({ lr: s.lr, minLr: s.minLr, warmupSteps: s.warmupSteps, decaySteps: s.maxSteps }, step);
  }

  /**
   * Records and submits one optimizer step. Returns once it is queued; waits only when more
   * than MAX_IN_FLIGHT steps are already queued, so the GPU always has the next step.
   */
  async trainStep(profiler?: ProfileRecorder): Promise<void> {
    if (this.diverged) throw new Error(`training diverged at step ${this.diverged.step}; restore or reset first`);
    if (this.stepFault) throw new Error(`step ${this.stepFault.step} failed on the GPU; restore first`);
    await this.prepare();
    await this.ensureNormDispatches();
    while (this.inFlight.length >= MAX_IN_FLIGHT) await this.inFlight.shift();
    if (this.stepFault) return; // a step that settled meanwhile failed: queue nothing after it
    const s = this.settings;
    const k = s.gradAccumSteps;
    const lr = this.currentLr(this.step);
    const batches = Array.from({ length: k }, () => sampleBatch(this.batchRng, this.split.train, s.batchSize, s.blockSize));
    const step = ++this.step;
    // From the first write to the submit, everything this step asks of the GPU is in its scopes.
    const scopes = openErrorScopes(this.gpu.device, `training step ${step}`);
    let ticket: ReadbackTicket;
    try {
      ticket = this.recordStep(step, lr, batches, profiler);
    } catch (e) {
      void scopes.close(); // keeps the device's scope stack balanced; the throw says what failed
      throw e;
    }
    const outcome = stepOutcome(step, ticket.read(), scopes.close());
    this.inFlight.push(this.settle(step, lr, s.batchSize * s.blockSize * k, outcome));
  }

  /** Records step `step` into one encoder and submits it; returns the ticket of its losses and norm. */
  private recordStep(step: number, lr: number, batches: Batch[], profiler?: ProfileRecorder): ReadbackTicket {
    const s = this.settings;
    const k = s.gradAccumSteps;
    this.adamw.setHyper({ lr, beta1: s.beta1, beta2: s.beta2, eps: s.eps, weightDecay: s.weightDecay, step: step - this.momentsFrom });
    const enc = this.gpu.device.createCommandEncoder({ label: `step ${step}` });
    // A profiled step is a real step: only its split into passes differs.
    const record = (list: Dispatch[], label: string) => (profiler ? profiler.record(enc, list, label) : recordPass(enc, list, label));
    this.lastGood.beforeStep(step - 1, enc); // copies the weights this step starts from, if due
    enc.clearBuffer(this.weights.buffers.grads);
    const meanLoss = this.plan.act('meanLoss');
    for (let i = 0; i < k; i++) {
      if (this.staging) this.staging.write(i, batches[i]);
      else this.plan.writeBatch(batches[i].inputs, batches[i].targets);
      this.staging?.encodeLoad(enc, i);
      record([...this.plan.forward, ...this.plan.backward], `step ${step} micro ${i}`);
      enc.copyBufferToBuffer(meanLoss.buffer, meanLoss.offset, this.misc.buffer, 4 * i, 4);
    }
    record([...this.norm, this.adamw.dispatch], `step ${step} update`);
    // The norm (computed with clipping off too) goes back in the losses' slot: no extra map.
    enc.copyBufferToBuffer(this.misc.norm.buffer, 0, this.misc.buffer, 4 * k, 4);
    const ticket = this.ring.copy(enc, this.misc.buffer, 0, 4 * stepReadbackValues(k));
    this.extraCommands?.(enc);
    this.extraCommands = null;
    profiler?.finish(enc);
    this.gpu.device.queue.submit([enc.finish()]);
    return ticket;
  }

  /**
   * Reports `step` once its losses and norm are read back and its scopes have popped, or marks
   * it failed. Steps settle in step order and the promise never rejects, so that a step still
   * queued when the loop stops early is never a rejection without a handler.
   */
  private settle(step: number, lr: number, tokens: number, outcome: Promise<StepOutcome>): Promise<void> {
    this.lastSettled = Promise.all([this.lastSettled, outcome])
      .then(([, result]) => {
        if (this.stepFault) return; // after a failed step nothing is reported
        if (result.fault) {
          this.stepFault = result.fault;
          this.lastGood.reportFailedStep(step);
          return;
        }
        const loss = result.losses.reduce((a, b) => a + b, 0) / result.losses.length;
        const now = performance.now();
        const stepMs = this.lastReportTime ? now - this.lastReportTime : NaN;
        this.lastReportTime = now;
        if (this.lastGood.reportLoss(step, loss, result.gradNorm)) this.events.onDiverged?.(step, loss, this.diverged?.gradNorm);
        else if (Number.isFinite(loss) && Number.isFinite(result.gradNorm)) {
          this.settledStep = step;
          this.cpuCopy.refresh(); // a snapshot this loss confirmed goes to the CPU too
        }
        this.events.onStep?.({ step, loss, lr, stepMs, tokensPerSec: stepMs > 0 ? (tokens * 1000) / stepMs : NaN });
      })
      .catch((e: unknown) => {
        this.stepFault ??= { step, kind: 'readback', message: `reporting step ${step} failed: ${e instanceof Error ? e.message : String(e)}` };
      });
    return this.lastSettled;
  }

  /**
   * Runs one real training step (it trains, reports its loss and advances the step) with each
   * dispatch in its own timed pass, and reports where its GPU time went.
   */
  async profileStep(opts: ProfileOptions = {}): Promise<ProfileReport> {
    await this.flush(); // so that a wall-time profile measures this step alone
    const rec = new ProfileRecorder(this.gpu, { label: `step ${this.step + 1}`, ...opts });
    await this.trainStep(rec);
    const report = await rec.report();
    await this.flush();
    return report;
  }

  /** The dispatches of one optimizer step in order: forward + backward per micro-batch, then norm and AdamW. */
  stepDispatches(): Dispatch[] {
    const micro = [...this.plan.forward, ...this.plan.backward];
    return [...Array.from({ length: this.settings.gradAccumSteps }, () => micro).flat(), ...this.norm, this.adamw.dispatch];
  }

  /**
   * After a NaN loss or norm, or a failed step: puts back the last weights known to be good
   * and continues from their step. Returns that step, or -1 when there is none (then nothing changes).
   */
  async restoreLastGood(): Promise<number> {
    await this.flush();
    let step = this.lastGood.restore();
    if (step < 0 && this.stepFault) {
      // The step failed before any GPU copy was confirmed (its own copy may never have been
      // made): the copy on the CPU, which exists from the run's first step, goes back instead.
      const saved = this.cpuCopy.latest;
      for (const kind of ['params', 'm', 'v'] as const) this.weights.write(kind, saved[kind]);
      this.lastGood.forget();
      step = saved.step;
    }
    if (step >= 0) {
      this.step = step;
      this.settledStep = step;
      this.stepFault = null;
    }
    return step;
  }

  /** Waits until every submitted step has reported. */
  async flush(): Promise<void> {
    await Promise.all(this.inFlight);
    this.inFlight = [];
    this.lastReportTime = 0; // a pause is not step time
  }

  /** Mean loss over `evalIters` batches of each split (see evaluateSplits). */
  async evaluate(): Promise<EvalReport> {
    await this.prepare();
    await this.flush();
    return evaluateSplits({ lossesOf: (batches) => planLosses(this.gpu, this.plan, batches) }, this.split, this.step, this.settings);
  }

  destroy(): void {
    this.destroyed = true;
    this.cpuCopy.stop();
    this.built?.destroy();
    this.weights.destroy();
    this.ring.destroy();
    this.staging?.destroy();
    this.snapshotSlots.destroy();
    this.gpu.buffers.destroyAll(); // the small buffers and every uniform charged to the trainer
  }
}
