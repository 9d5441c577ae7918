// Times benchmark cases on the GPU: a case's dispatches are replayed `reps` times in one
// command buffer and the wall time to completion is divided by reps; the best of several
// trials is kept. A case and its baseline are measured in alternation (A, B, A, B, ...) so
// that a change in machine load hits both alike and their ratio stays meaningful.
import type { Gpu } from '../gpu/device';
import { encodeDispatches, type Dispatch } from '../gpu/dispatch';
import type { KernelConfig } from '../kernels/config';
import { caseName, type BenchCase, type BenchSetup } from './types';

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

interface Prepared {
  c: BenchCase;
  setup: BenchSetup;
  reps: number;
  best: number;
}

async function prepare(gpu: Gpu, kernelConfig: KernelConfig, c: BenchCase, targetMs: number): Promise<Prepared> {
  const setup = await c.setup(gpu, kernelConfig);
  await timeReps(gpu, setup.dispatches, 1); // warm-up: first use of each pipeline
  const once = await timeReps(gpu, setup.dispatches, 1);
  const reps = Math.max(1, Math.min(500, Math.round(targetMs / Math.max(once, 0.05))));
  return { c, setup, reps, best: Infinity };
}

function result(p: Prepared): BenchResult {
  const r: BenchResult = { name: caseName(p.c), kernel: p.c.kernel, size: p.c.size, ms: p.best, reps: p.reps };
  if (p.setup.flops) r.gflops = p.setup.flops / (p.best * 1e6);
  if (p.setup.bytes) r.gbps = p.setup.bytes / (p.best * 1e6);
  if (p.c.baseline) r.baseline = p.c.baseline;
  return r;
}

/** Measures a group of cases (a case with its baseline) in alternating trials. */
export async function runGroup(gpu: Gpu, kernelConfig: KernelConfig, cases: BenchCase[], targetMs = 300, trials = 5): Promise<BenchResult[]> {
  const prepared: Prepared[] = [];
  try {
    for (const c of cases) prepared.push(await prepare(gpu, kernelConfig, c, targetMs));
    for (let t = 0; t < trials; t++) {
      for (const p of prepared) p.best = Math.min(p.best, (await timeReps(gpu, p.setup.dispatches, p.reps)) / p.reps);
    }
    return prepared.map(result);
  } finally {
    for (const p of prepared) p.setup.dispose?.();
  }
}

/**
 * Groups each baseline with every case that names it (and a case's own dependants, so a chain
 * A → B → C is one group), measured in alternation; cases without a baseline stand alone.
 */
export function groupWithBaselines(cases: readonly BenchCase[]): BenchCase[][] {
  const byName = new Map(cases.map((c) => [caseName(c), c]));
  // The root of a case: follow baselines present in the list (cycles stop where they repeat).
  const root = (c: BenchCase): string => {
    const seen = new Set<string>();
    let cur = c;
    while (cur.baseline && byName.has(cur.baseline) && !seen.has(caseName(cur))) {
      seen.add(caseName(cur));
      cur = byName.get(cur.baseline)!;
    }
    return caseName(cur);
  };
  const groups = new Map<string, BenchCase[]>();
  for (const c of cases) {
    const r = root(c);
    const g = groups.get(r);
    if (g) g.push(c);
    else groups.set(r, [c]);
  }
  return [...groups.values()];
}

/** Fills in `speedup` for every result whose baseline was measured in the same run. */
export function linkBaselines(results: BenchResult[]): void {
  const byName = new Map(results.map((r) => [r.name, r]));
  for (const r of results) {
    const base = r.baseline ? byName.get(r.baseline) : undefined;
    if (base) r.speedup = base.ms / r.ms;
  }
}
