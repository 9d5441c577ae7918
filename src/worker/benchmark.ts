// "Benchmark this device": on the worker's own device, the kernels a training step is made of
// at the shapes of the model the user has (or of the default model), a 512³ matmul that
// compares across machines whatever the model, then a few training steps of that model on a
// trainer of the benchmark's own (synthetic tokens; destroyed after) and one step profiled
// kernel by kernel. The same cases and measurement as `npm run bench` (engine/bench).
import { DEFAULT_CONFIG, type GPTConfig } from '../core/config';
import { DEFAULT_TRAIN, type TrainSettings } from '../core/settings';
import type { DeviceBenchKernel, DeviceBenchReport } from '../core/reports';
import type { Event } from '../core/protocol';
import { modelLabel, profileShares, sizeText } from '../core/bench-report';
import type { Gpu } from '../engine/gpu/device';
import type { KernelConfig } from '../engine/kernels/config';
import { runGroup } from '../engine/bench/harness';
import { caseName, type BenchCase } from '../engine/bench/types';
import { attentionBackwardCase, attentionForwardCase, crossentropyCases, geluCases, layernormCases, matmulBackwardCase, matmulForwardCase } from '../engine/bench/cases';
import { measureTraining } from '../engine/bench/training';
import { InputError } from './errors';
import { adapterFacts } from './probe';

/** The model whose shapes are measured. */
export interface BenchModel {
  config: GPTConfig;
  settings: TrainSettings;
}

export interface BenchOptions {
  /** Timed training steps. */
  steps: number;
  /** Untimed steps first (pipelines, first submits); by default 3, or `steps` when fewer. */
  warmup?: number;
  /** Wall time each trial of a kernel case aims at, and the trials (the best is kept). */
  targetMs?: number;
  trials?: number;
  onProgress?: (fraction: number, message: string) => void;
}

export const DEFAULT_BENCH_STEPS = 10;
export const MAX_BENCH_STEPS = 1000;
const WARMUP_STEPS = 3;
// A few seconds of kernels on a GPU; on a software adapter each case runs once per trial.
const TARGET_MS = 50;
const TRIALS = 3;

/** The model the app has, or the default model with the default batch. */
export function benchModel(model: BenchModel | null): BenchModel & { source: 'model' | 'default' } {
  if (model) return { ...model, source: 'model' };
  return { config: DEFAULT_CONFIG, settings: DEFAULT_TRAIN, source: 'default' };
}

/** The kernel cases at a model's shapes (B·T rows of width C, NH heads, V tokens), and a 512³ matmul. */
export function modelCases({ config, settings }: BenchModel): { c: BenchCase; role: string }[] {
  const { nEmbd: C, nHead: NH, vocabSize: V } = config;
  const { batchSize: B, blockSize: T } = settings;
  const BT = B * T;
  return [
    { c: matmulForwardCase(BT, C, 3 * C), role: 'attention qkv' },
    { c: matmulForwardCase(BT, C, 4 * C), role: 'MLP up' },
    { c: matmulBackwardCase(BT, C, 4 * C), role: 'MLP up, backward' },
    { c: attentionForwardCase({ B, T, C, NH }), role: 'attention' },
    { c: attentionBackwardCase({ B, T, C, NH }), role: 'attention, backward' },
    { c: layernormCases(BT, C)[0], role: 'layer norm' },
    { c: geluCases(BT, C)[0], role: 'MLP activation' },
    { c: crossentropyCases(BT, V)[0], role: 'loss' },
    { c: matmulForwardCase(512, 512, 512), role: '512³, to compare machines' },
  ];
}

/** Runs the benchmark on `gpu` with the kernel configuration the app's plans use. */
export async function benchmarkDevice(gpu: Gpu, kernelConfig: KernelConfig, model: BenchModel | null, opts: BenchOptions): Promise<DeviceBenchReport> {
  const start = performance.now();
  const shapes = benchModel(model);
  const label = modelLabel(shapes.config, shapes.settings);
  const cases = modelCases(shapes);
  // A quick look (a test, a slow machine) asks for few timed steps: as few warm-up ones then.
  const warmup = opts.warmup ?? Math.min(WARMUP_STEPS, opts.steps);
  // Progress counts kernel cases and training steps (warm-up, timed, profiled) alike.
  const units = cases.length + warmup + opts.steps + 1;
  const progress = (done: number, message: string) => opts.onProgress?.(done / units, message);

  const kernels: DeviceBenchKernel[] = [];
  for (const [i, { c, role }] of cases.entries()) {
    progress(i, `Kernels ${i + 1} of ${cases.length}: ${sizeText(caseName(c))}`);
    const [r] = await runGroup(gpu, kernelConfig, [c], opts.targetMs ?? TARGET_MS, opts.trials ?? TRIALS);
    kernels.push({ kernel: r.kernel, size: r.size, role, ms: r.ms, ...(r.gflops !== undefined && { gflops: r.gflops }), ...(r.gbps !== undefined && { gbps: r.gbps }) });
  }

  progress(cases.length, `Training ${label}: building the model`);
  const t = await measureTraining(gpu, kernelConfig, shapes.config, shapes.settings, label, {
    warmup,
    steps: opts.steps,
    onProgress: (done, total) => progress(cases.length + done, `Training ${label}: ${done < total - 1 ? `step ${done + 1} of ${total}` : done < total ? 'profiling one step' : 'done'}`),
  });
  return {
    adapter: adapterFacts(gpu),
    userAgent: typeof navigator === 'undefined' ? '' : navigator.userAgent,
    date: new Date().toISOString(),
    shapes: { source: shapes.source, model: label },
    kernels,
    training: [{ model: t.model, params: t.params, stepMs: t.stepMs, tokensPerStep: t.tokensPerStep, tokensPerSec: t.tokensPerSec, steps: t.timedSteps }],
    stepProfile: profileShares(t.profile),
    timestamps: t.profile.mode === 'timestamp',
    stepProfileMs: t.profile.totalMs,
    seconds: (performance.now() - start) / 1000,
  };
}

/** What the benchmark needs of the worker: its device, the session's model, and the page. */
export interface BenchHost {
  device(): Promise<{ gpu: Gpu; kernelConfig: KernelConfig }>;
  /** Whether training runs now, and the model's shapes (null: none built). */
  session(): { running: boolean; model: BenchModel | null };
  emit(e: Event): void;
}

/** The worker's benchmark requests: one at a time, never while training runs. */
export class DeviceBenchmark {
  private busy = false;

  constructor(private readonly host: BenchHost) {}

  async run(steps: number = DEFAULT_BENCH_STEPS): Promise<DeviceBenchReport> {
    if (!Number.isInteger(steps) || steps < 1 || steps > MAX_BENCH_STEPS) throw new InputError('benchmark', `Benchmark steps must be a whole number from 1 to ${MAX_BENCH_STEPS} (got ${steps}).`);
    if (this.host.session().running) throw new InputError('train', 'Pause training to run the benchmark: it needs the GPU to itself.');
    if (this.busy) throw new InputError('benchmark', 'The benchmark is already running.');
    this.busy = true;
    try {
      const { gpu, kernelConfig } = await this.host.device();
      const report = await benchmarkDevice(gpu, kernelConfig, this.host.session().model, {
        steps,
        onProgress: (fraction, message) => this.host.emit({ type: 'progress', task: 'benchmark', fraction, message }),
      });
      // Training shared the GPU with some of it: the numbers would not say what this device does.
      if (this.host.session().running) throw new InputError('train', 'Training started while the benchmark ran, so its numbers are off: pause training and run it again.');
      return report;
    } finally {
      this.busy = false;
    }
  }
}
