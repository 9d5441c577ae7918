// The kernel benchmark page: runs every case in src/engine/bench/cases (or those matching
// ?filter=...) and reports the results to the runner (scripts/bench-kernels.mjs).
import { acquireGpu, describeAdapter } from '../engine/gpu/device';
import { defaultKernelConfig } from '../engine/tune/defaults';
import { groupWithBaselines, linkBaselines, runGroup, type BenchResult } from '../engine/bench/harness';
import { caseName } from '../engine/bench/types';
import { ALL_CASES } from '../engine/bench/cases';

declare global {
  interface Window {
    __report?: (result: unknown) => void;
    __fail?: (message: string) => void;
  }
}

async function main(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const filter = params.get('filter');
  const gpu = await acquireGpu();
  // The default, not a tuned one: a ratio against a case's baseline is then the same on every run.
  const kernelConfig = defaultKernelConfig(gpu);
  const adapter = describeAdapter(gpu.adapter);
  console.log(`adapter: ${adapter}`);
  const all = ALL_CASES;
  // A filter keeps a matching case's baseline too, so its ratio is still measured.
  const matching = filter ? all.filter((c) => caseName(c).includes(filter)) : all;
  const names = new Set(matching.flatMap((c) => [caseName(c), c.baseline ?? '']));
  const cases = all.filter((c) => names.has(caseName(c)));
  const results: BenchResult[] = [];
  for (const group of groupWithBaselines(cases)) {
    for (const r of await runGroup(gpu, kernelConfig, group)) {
      results.push(r);
      console.log(`measured ${r.name}: ${r.ms.toFixed(3)} ms`);
    }
  }
  linkBaselines(results);
  window.__report?.({ adapter, date: new Date().toISOString(), results });
}

main().catch((e: unknown) => window.__fail?.(e instanceof Error ? `${e.name}: ${e.message}` : String(e)));
