// Times a benchmark case on the GPU: the case's dispatches are replayed `reps` times in one
// command buffer and the wall time to completion is divided by reps; the best of a few trials
// is kept. Wall time includes one submit+wait, amortised by choosing reps so a trial takes
// a few hundred milliseconds.
import type { Gpu } from '../engine/gpu/device';
import { encodeDispatches, type Dispatch } from '../engine/gpu/dispatch';
import { caseName, type BenchCase } from './types';

export interface BenchResult {
  name: string;
  kernel: string;
  size: string;
  ms: number;
  reps: number;
  gflops?: number;
  gbps?: number;
  baseline?: string;
  /** baseline's time / this time */
  speedup?: number;
}

async function timeReps(gpu: Gpu, dispatches: readonly Dispatch[], reps: number): Promise<number> {
  const enc = gpu.device.createCommandEncoder();
  const pass = enc.beginComputePass();
  for (let r = 0; r < reps; r++) encodeDispatches(pass, dispatches);
  pass.end();
  const t0 = performance.now();
  gpu.device.queue.submit([enc.finish()]);
  await gpu.device.queue.onSubmittedWorkDone();
  return performance.now() - t0;
}

export async function runCase(gpu: Gpu, c: BenchCase, targetMs = 300, trials = 3): Promise<BenchResult> {
  const setup = await c.setup(gpu);
  try {
    await timeReps(gpu, setup.dispatches, 1); // warm-up: first use of each pipeline
    const once = await timeReps(gpu, setup.dispatches, 1);
    const reps = Math.max(1, Math.min(500, Math.round(targetMs / Math.max(once, 0.05))));
    let best = Infinity;
    for (let t = 0; t < trials; t++) best = Math.min(best, (await timeReps(gpu, setup.dispatches, reps)) / reps);
    const r: BenchResult = { name: caseName(c), kernel: c.kernel, size: c.size, ms: best, reps };
    if (setup.flops) r.gflops = setup.flops / (best * 1e6);
    if (setup.bytes) r.gbps = setup.bytes / (best * 1e6);
    if (c.baseline) r.baseline = c.baseline;
    return r;
  } finally {
    setup.dispose?.();
  }
}

/** Fills in `speedup` for every result whose baseline was measured in the same run. */
export function linkBaselines(results: BenchResult[]): void {
  const byName = new Map(results.map((r) => [r.name, r]));
  for (const r of results) {
    const base = r.baseline ? byName.get(r.baseline) : undefined;
    if (base) r.speedup = base.ms / r.ms;
  }
}
