// The full benchmark page (scripts/bench.mjs): kernels, training, inference against
// onnxruntime-web, and sampling with and without the KV cache, in ONE page and run so that
// every ratio compares measurements taken on the same device under the same load.
// Query: ?only=firststep,kernels,training,inference,sampling,cpu (default all) · ?steps=N (timed
// training steps; CPU rounds) · ?runs=N (inference runs per side).
import { acquireGpu, describeAdapter, type Gpu } from '../engine/gpu/device';
import type { KernelConfig } from '../engine/kernels/config';
import { defaultKernelConfig } from '../engine/tune/defaults';
import { groupWithBaselines, linkBaselines, runGroup, type BenchResult } from '../engine/bench/harness';
import { ALL_CASES } from '../engine/bench/cases';
import { benchInference } from './full/inference';
import { benchSampling } from './full/sampling';
import { benchFirstStep } from './full/first-step';
import { benchCpu, CPU_SIZES, cpuRows } from './full/cpu';
import { inferenceRows, kernelRows, matmulVsPlain, profileRows, samplingRows, trainingRows } from './full/stats';
import { benchTraining, configOf, sizeLabel, syntheticTokens } from '../engine/bench/training';
import type { CpuResult, FullReport, InferenceResult, SamplingResult, TrainingResult, TrainSize } from './full/types';

declare global {
  interface Window {
    __report?: (result: unknown) => void;
    __fail?: (message: string) => void;
  }
}

/** Three sizes; the middle one is DESIGN §1's reference model. Heads: 4 throughout. */
const SIZES: TrainSize[] = [
  { label: 'tiny', nLayer: 1, nHead: 4, nEmbd: 32, blockSize: 32, batchSize: 8 },
  { label: 'reference', nLayer: 2, nHead: 4, nEmbd: 64, blockSize: 64, batchSize: 16 },
  { label: 'nanoGPT CPU width', nLayer: 4, nHead: 4, nEmbd: 128, blockSize: 64, batchSize: 8 },
];
const REFERENCE = SIZES[1];
const WARMUP_STEPS = 3;
const SAMPLE_TOKENS = 64;

async function kernels(gpu: Gpu, kernelConfig: KernelConfig): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const group of groupWithBaselines(ALL_CASES)) {
    for (const r of await runGroup(gpu, kernelConfig, group, 200, 3)) {
      results.push(r);
      console.log(`kernel ${r.name}: ${r.ms.toFixed(3)} ms`);
    }
  }
  linkBaselines(results);
  return results;
}

async function main(): Promise<void> {
  const q = new URLSearchParams(location.search);
  const only = new Set((q.get('only') ?? 'firststep,kernels,training,inference,sampling,cpu').split(','));
  const steps = Number(q.get('steps') ?? 10);
  const runs = Number(q.get('runs') ?? 7);
  const start = performance.now();
  // First, before this page has compiled anything.
  const firstStep = only.has('firststep') ? await benchFirstStep(REFERENCE) : null;
  if (firstStep) {
    console.log(`first step ${firstStep.model}: ${firstStep.firstStepMs.toFixed(0)} ms (${firstStep.pipelines} pipelines), again ${firstStep.rebuildMs.toFixed(0)} ms, ` +
      `one pipeline at a time ${firstStep.serialFirstStepMs.toFixed(0)} ms`);
  }
  const gpu = await acquireGpu();
  const adapter = describeAdapter(gpu.adapter);
  console.log(`adapter: ${adapter}`);
  // The default for the adapter, not a tuned one, so that runs on one machine compare alike.
  const kernelConfig = defaultKernelConfig(gpu);

  const kernelResults = only.has('kernels') ? await kernels(gpu, kernelConfig) : [];

  const training: TrainingResult[] = [];
  if (only.has('training')) {
    for (const s of SIZES) {
      const r = await benchTraining(gpu, kernelConfig, s, WARMUP_STEPS, steps);
      console.log(`training ${r.model}: ${r.stepMs.toFixed(1)} ms/step, ${r.tokensPerSec.toFixed(0)} tokens/s`);
      training.push(r);
    }
  }

  const inference: InferenceResult[] = [];
  if (only.has('inference')) {
    for (const s of SIZES) {
      const r = await benchInference(gpu, kernelConfig, sizeLabel(s), configOf(s), syntheticTokens(s.blockSize, 7), runs);
      console.log(`inference ${r.model}: ours ${r.oursMs.toFixed(1)} ms, ORT ${r.ortMs?.toFixed(1) ?? r.ortError}`);
      inference.push(r);
    }
  }

  const sampling: SamplingResult[] = [];
  if (only.has('sampling')) {
    // 64 new tokens after a one-token prompt fill a 64-block exactly: no context cropping.
    for (const s of SIZES.filter((x) => x.blockSize >= SAMPLE_TOKENS)) {
      const r = await benchSampling(gpu, kernelConfig, sizeLabel(s), configOf(s), syntheticTokens(1, 9), SAMPLE_TOKENS);
      console.log(`sampling ${r.model}: KV ${r.kvTokensPerSec.toFixed(1)} tok/s, rerun ${r.rerunTokensPerSec.toFixed(1)} tok/s`);
      sampling.push(r);
    }
  }

  const cpu: CpuResult[] = [];
  if (only.has('cpu')) {
    for (const s of CPU_SIZES) {
      const r = await benchCpu(s, Math.max(steps, 5));
      console.log(`cpu ${r.model}: float32 ${r.tokensPerSec.toFixed(0)} tok/s (${r.threads} threads), one thread ${r.oneThreadTokensPerSec.toFixed(0)}, float64 ${r.referenceTokensPerSec.toFixed(0)}: ${r.vsReference.toFixed(2)}x`);
      cpu.push(r);
    }
  }

  const report: FullReport = {
    adapter,
    date: new Date().toISOString(),
    kernels: kernelResults,
    matmulVsPlainBySize: matmulVsPlain(kernelResults),
    firstStep,
    training,
    inference,
    sampling,
    cpu,
    cpuVsReference: cpu.length ? Math.min(...cpu.map((r) => r.vsReference)) : null,
    tables: {
      kernels: kernelRows(kernelResults),
      training: trainingRows(training),
      inference: inferenceRows(inference),
      sampling: samplingRows(sampling),
      cpu: cpuRows(cpu),
      ...Object.fromEntries(training.map((r) => [`profile: training step ${r.model}`, profileRows('kernel', r.profile)])),
      ...Object.fromEntries(sampling.map((r) => [`profile: one cached token ${r.model}`, profileRows('kernel', r.profile)])),
    },
    seconds: (performance.now() - start) / 1000,
  };
  console.log(`reference model: ${sizeLabel(REFERENCE)}`);
  window.__report?.(report);
}

main().catch((e: unknown) => window.__fail?.(e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ''}` : String(e)));
