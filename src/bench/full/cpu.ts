// The CPU mode's training speed: the float32 engine split across its workers, the same engine
// in one thread, and the float64 reference path it replaced, on the same model, settings and
// corpus (so the same batches). After warm-up steps (each worker compiles its own code as it
// runs), the three take one step in turn, `rounds` times, and each one's step time is the
// median of its rounds: load on the machine then falls on all three alike.
import { DEFAULT_CONFIG, type GPTConfig } from '../../core/config';
import { countParams } from '../../core/params';
import { Rng } from '../../core/rng';
import { DEFAULT_TRAIN, type TrainSettings } from '../../core/settings';
import { median } from '../../engine/bench/stats';
import { DataParallelGPT } from '../../engine/cpu/parallel';
import { CpuTrainer, initialParams } from '../../engine/train/cpu-trainer';
import type { CpuResult, TrainSize } from './types';
import { fmt, fmtRatio } from './stats';

const VOCAB = 65; // tinyshakespeare's characters
/** Steps before timing: the JIT tiers up over the first few, in this thread and in each worker. */
const WARMUP_STEPS = 3;

export const CPU_SIZES: TrainSize[] = [
  { label: 'L1', nLayer: 1, nHead: 4, nEmbd: 64, blockSize: 64, batchSize: 8 },
  { label: 'L2', nLayer: 2, nHead: 4, nEmbd: 64, blockSize: 64, batchSize: 16 },
];

async function stepMs(trainer: CpuTrainer): Promise<number> {
  const t0 = performance.now();
  const r = await trainer.trainStep();
  if (!Number.isFinite(r.loss)) throw new Error(`a benchmark step's loss came back as ${r.loss}`);
  return performance.now() - t0;
}

export async function benchCpu(size: TrainSize, rounds: number): Promise<CpuResult> {
  const config: GPTConfig = { ...DEFAULT_CONFIG, nLayer: size.nLayer, nHead: size.nHead, nEmbd: size.nEmbd, blockSize: size.blockSize, vocabSize: VOCAB };
  const settings: TrainSettings = { ...DEFAULT_TRAIN, batchSize: size.batchSize, blockSize: size.blockSize, warmupSteps: 0, maxSteps: WARMUP_STEPS + rounds, evalEvery: 0 };
  const rng = new Rng(1);
  const tokens = Uint32Array.from({ length: 20_000 }, () => rng.int(VOCAB));
  const parallel = new DataParallelGPT(config, initialParams(config, settings));
  const single = new DataParallelGPT(config, initialParams(config, settings), { threads: 1 });
  const runs = {
    workers: new CpuTrainer(parallel, settings, tokens),
    oneThread: new CpuTrainer(single, settings, tokens),
    reference: CpuTrainer.reference(config, settings, tokens),
  };
  try {
    const times = { workers: [] as number[], oneThread: [] as number[], reference: [] as number[] };
    for (let i = 0; i < WARMUP_STEPS; i++) for (const t of Object.values(runs)) await stepMs(t);
    for (let r = 0; r < rounds; r++) {
      for (const k of ['workers', 'oneThread', 'reference'] as const) times[k].push(await stepMs(runs[k]));
    }
    if (parallel.helperError) throw new Error(`the CPU engine's workers failed: ${parallel.helperError.message}`);
    const tokensPerStep = size.batchSize * size.blockSize;
    const perSec = (ms: number) => (tokensPerStep * 1000) / ms;
    const ms = { workers: median(times.workers), oneThread: median(times.oneThread), reference: median(times.reference) };
    return {
      model: `${size.label} NH${size.nHead} C${size.nEmbd} T${size.blockSize} B${size.batchSize}`,
      params: countParams(config),
      threads: parallel.threads,
      rounds,
      stepMs: ms.workers,
      oneThreadStepMs: ms.oneThread,
      referenceStepMs: ms.reference,
      tokensPerSec: perSec(ms.workers),
      oneThreadTokensPerSec: perSec(ms.oneThread),
      referenceTokensPerSec: perSec(ms.reference),
      vsReference: ms.reference / ms.workers,
      oneThreadVsReference: ms.reference / ms.oneThread,
    };
  } finally {
    parallel.destroy();
  }
}

export function cpuRows(results: readonly CpuResult[]): Record<string, string>[] {
  return results.map((r) => ({
    model: r.model,
    params: String(r.params),
    threads: String(r.threads),
    'float32 ms/step': fmt(r.stepMs),
    'float32 tok/s': fmt(r.tokensPerSec),
    '1 thread tok/s': fmt(r.oneThreadTokensPerSec),
    'float64 tok/s': fmt(r.referenceTokensPerSec),
    'vs float64': fmtRatio(r.vsReference),
    '1 thread vs float64': fmtRatio(r.oneThreadVsReference),
  }));
}
