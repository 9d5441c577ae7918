#!/usr/bin/env node
// npm run bench [-- --out bench-results/bench.json --only kernels,training,inference,sampling
//   --steps 10 --runs 7]
// The full benchmark in ONE headless Chromium page and run (bench/full.html): every kernel
// case, training step time / tokens/s / dispatches / submits for three model sizes, a
// full-sequence forward against onnxruntime-web's webgpu EP, and sampling with the KV cache
// against re-running the sequence. Prints the tables and writes bench.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { runPage } from './lib/browser-run.mjs';

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: 'bench-results/bench.json' },
    only: { type: 'string' },
    steps: { type: 'string' },
    runs: { type: 'string' },
  },
});

const query = new URLSearchParams();
for (const key of ['only', 'steps', 'runs']) if (values[key] !== undefined) query.set(key, values[key]);
const qs = query.size ? `?${query}` : '';

const t0 = Date.now();
const report = /** @type {any} */ (await runPage(`/bench/full.html${qs}`, { onLog: (l) => console.log(`  ${l}`) }));

console.log(`\nFull benchmark on ${report.adapter} (${report.seconds.toFixed(0)} s in the page, ${((Date.now() - t0) / 1000).toFixed(0)} s in all)`);
const titles = {
  kernels: 'Kernels (best of alternating trials)',
  training: 'Training (median step-to-step interval after warm-up; dispatches = plan forward + backward per micro-batch + gradNorm 2 + AdamW 1, checked by counting dispatchWorkgroups; submits counted on device.queue.submit)',
  inference: 'Full-sequence forward, B=1 T=block (median, alternating; both include reading the logits back): forwardVsOrt = ORT time / ours; also ours with f16 weights and how far its logits are from f32',
  sampling: 'Sampling 64 tokens, greedy: KV cache (Decoder) vs re-running the sequence (RerunSource over Inference.logits)',
};
const profiles = Object.keys(report.tables).filter((k) => k.startsWith('profile: '));
for (const key of profiles) titles[key] = `${key.slice(9)}: GPU time per kernel (timestamp-query), one more step or token after the timed ones`;
for (const [key, title] of Object.entries(titles)) {
  const rows = report.tables[key];
  if (!rows?.length) continue;
  console.log(`\n${title}`);
  console.table(rows);
}
if (Object.keys(report.matmulVsPlain).length) console.log('matmulVsPlain (plain time / tiled time):', report.matmulVsPlain);

mkdirSync(dirname(values.out), { recursive: true });
const { tables: _tables, ...data } = report;
writeFileSync(values.out, JSON.stringify(data, null, 2));
console.log(`written ${values.out}`);
