#!/usr/bin/env node
// npm run bench:kernels [-- --filter matmul] [--out bench-results/kernels.json]
// Measures each kernel in headless Chromium and prints GFLOP/s or GB/s, plus ratios against
// baselines measured in the same run (the tiled matmul against the plain one).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { runPage } from './lib/browser-run.mjs';

const { values } = parseArgs({
  options: {
    filter: { type: 'string' },
    out: { type: 'string', default: 'bench-results/kernels.json' },
  },
});

const query = values.filter ? `?filter=${encodeURIComponent(values.filter)}` : '';
const report = /** @type {any} */ (await runPage(`/bench/kernels.html${query}`, { onLog: (l) => console.log(`  ${l}`) }));

const rows = report.results.map((r) => ({
  kernel: r.kernel,
  size: r.size,
  'time ms': r.ms.toFixed(3),
  throughput: r.gflops !== undefined ? `${r.gflops.toFixed(2)} GFLOP/s` : r.gbps !== undefined ? `${r.gbps.toFixed(2)} GB/s` : '',
  'vs baseline': r.speedup !== undefined ? `${r.speedup.toFixed(2)}x ${r.baseline}` : '',
}));
console.log(`\nKernel benchmark on ${report.adapter}`);
console.table(rows);

const matmulVsPlain = {};
for (const r of report.results) {
  if (r.kernel === 'matmul_forward' && r.speedup !== undefined) matmulVsPlain[r.size] = Number(r.speedup.toFixed(3));
}
if (Object.keys(matmulVsPlain).length) console.log('matmulVsPlain (plain time / tiled time):', matmulVsPlain);

mkdirSync(dirname(values.out), { recursive: true });
writeFileSync(values.out, JSON.stringify({ ...report, matmulVsPlain }, null, 2));
console.log(`written ${values.out}`);
