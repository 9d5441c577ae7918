// The kernel benchmark page: runs every case in src/bench/cases (or those matching
// ?filter=...) and reports the results to the runner (scripts/bench-kernels.mjs).
import { acquireGpu, describeAdapter } from '../engine/gpu/device';
import { linkBaselines, runCase, type BenchResult } from './harness';
import { caseName, type BenchCase } from './types';

declare global {
  interface Window {
    __report?: (result: unknown) => void;
    __fail?: (message: string) => void;
  }
}

const modules = import.meta.glob('./cases/*.ts', { eager: true }) as Record<string, { cases: BenchCase[] }>;

async function main(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const filter = params.get('filter');
  const gpu = await acquireGpu();
  const adapter = describeAdapter(gpu.adapter);
  console.log(`adapter: ${adapter}`);
  const all = Object.values(modules).flatMap((m) => m.cases);
  const cases = filter ? all.filter((c) => caseName(c).includes(filter)) : all;
  const results: BenchResult[] = [];
  for (const c of cases) {
    const r = await runCase(gpu, c);
    results.push(r);
    console.log(`measured ${r.name}: ${r.ms.toFixed(3)} ms`);
  }
  linkBaselines(results);
  window.__report?.({ adapter, date: new Date().toISOString(), results });
}

main().catch((e: unknown) => window.__fail?.(e instanceof Error ? `${e.name}: ${e.message}` : String(e)));
