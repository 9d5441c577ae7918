#!/usr/bin/env node
// npm run bench [-- --out bench-results/bench.json --only firststep,kernels,training,inference,sampling,cpu
//   --steps 10 --runs 7 --baseline <commit> --rounds 3]
// The full benchmark in ONE headless Chromium page and run (bench/full.html): the time to the
// first step, every kernel case, training step time / tokens/s / dispatches / submits for three
// model sizes, a full-sequence forward against onnxruntime-web's webgpu EP, and sampling with
// the KV cache against re-running the sequence, and the CPU mode's training (float32 engine and
// its workers against the float64 path: cpuVsReference). Prints the tables and writes bench.json.
// With --baseline, that commit is checked out in a temporary worktree and its training
// benchmark alternates with this tree's in the same browser, --rounds times each:
// trainingVsBaseline is this tree's tokens/s over the baseline's (medians), at the smaller of
// the two sizes' ratios.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { launchBrowser, reportOf, startServer } from './lib/browser-run.mjs';

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: 'bench-results/bench.json' },
    only: { type: 'string' },
    steps: { type: 'string' },
    runs: { type: 'string' },
    baseline: { type: 'string' },
    rounds: { type: 'string', default: '3' },
  },
});

/** The sizes the baseline comparison is made at (bench/full-main.ts's labels). */
const BASELINE_SIZES = ['L2 C64 T64 B16', 'L4 C128 T64 B8'];

const query = new URLSearchParams();
for (const key of ['only', 'steps', 'runs']) if (values[key] !== undefined) query.set(key, values[key]);
const qs = query.size ? `?${query}` : '';
const log = (l) => console.log(`  ${l}`);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const t0 = Date.now();
const server = await startServer();
const browser = await launchBrowser();
let report;
let baseline = null;
try {
  report = /** @type {any} */ (await reportOf(browser, `${server.url}/bench/full.html${qs}`, { onLog: log }));
  if (values.baseline) baseline = await compareWithBaseline(values.baseline, Number(values.rounds));
} finally {
  await browser.close();
  await server.close();
}

/** Alternates the training benchmark of this tree and of `commit`, `rounds` times each. */
async function compareWithBaseline(commit, rounds) {
  const sha = execFileSync('git', ['rev-parse', '--verify', `${commit}^{commit}`], { encoding: 'utf8' }).trim();
  const dir = mkdtempSync(join(tmpdir(), 'bench-baseline-'));
  execFileSync('git', ['worktree', 'add', '--detach', dir, sha], { stdio: 'ignore' });
  const other = { close: async () => {} };
  try {
    symlinkSync(resolve('node_modules'), join(dir, 'node_modules'), 'dir');
    const base = await startServer(dir);
    other.close = base.close;
    const steps = values.steps ?? '10';
    const runs = { current: [], baseline: [] };
    for (let r = 0; r < rounds; r++) {
      // Alternate which goes first, so that a drift in the machine's load favours neither.
      const order = r % 2 ? ['baseline', 'current'] : ['current', 'baseline'];
      for (const which of order) {
        const url = `${which === 'current' ? server.url : base.url}/bench/full.html?only=training&steps=${steps}`;
        const rep = /** @type {any} */ (await reportOf(browser, url, { onLog: () => {} }));
        runs[which].push(rep.training);
        console.log(`  round ${r + 1} ${which}: ${rep.training.map((t) => `${t.model} ${t.tokensPerSec.toFixed(0)} tok/s`).join(', ')}`);
      }
    }
    const rows = BASELINE_SIZES.map((model) => {
      const tps = (which) => median(runs[which].map((list) => list.find((t) => t.model === model)?.tokensPerSec ?? NaN));
      const current = tps('current');
      const before = tps('baseline');
      return { model, currentTokensPerSec: current, baselineTokensPerSec: before, ratio: current / before };
    });
    return { commit: sha, rounds, rows, trainingVsBaseline: Math.min(...rows.map((r) => r.ratio)) };
  } finally {
    await other.close();
    execFileSync('git', ['worktree', 'remove', '--force', dir], { stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`\nFull benchmark on ${report.adapter} (${report.seconds.toFixed(0)} s in the page, ${((Date.now() - t0) / 1000).toFixed(0)} s in all)`);
const titles = {
  kernels: 'Kernels (best of alternating trials)',
  training: 'Training (median step-to-step interval after warm-up; dispatches = plan forward + backward per micro-batch + gradNorm 2 + AdamW 1, checked by counting dispatchWorkgroups; submits counted on device.queue.submit)',
  inference: 'Full-sequence forward, B=1 T=block (median, alternating; both include reading the logits back): forwardVsOrt = ORT time / ours; also ours with f16 weights and how far its logits are from f32',
  sampling: 'Sampling 64 tokens, greedy: KV cache (Decoder) vs re-running the sequence (RerunSource over Inference.logits)',
  cpu: 'CPU mode training (median step of alternating rounds after a warm-up step): the float32 engine with its workers and in one thread, against the float64 reference path',
};
const profiles = Object.keys(report.tables).filter((k) => k.startsWith('profile: '));
for (const key of profiles) titles[key] = `${key.slice(9)}: GPU time per kernel (timestamp-query), one more step or token after the timed ones`;
for (const [key, title] of Object.entries(titles)) {
  const rows = report.tables[key];
  if (!rows?.length) continue;
  console.log(`\n${title}`);
  console.table(rows);
}
if (report.firstStep) {
  const f = report.firstStep;
  console.log(`\nTime to the first step (${f.model}, nothing compiled): ${f.firstStepMs.toFixed(0)} ms; ` +
    `building one pipeline at a time: ${f.serialFirstStepMs.toFixed(0)} ms; the same shapes again: ${f.rebuildMs.toFixed(0)} ms`);
}
if (Object.keys(report.matmulVsPlainBySize).length) console.log('matmulVsPlain by size (plain time / tiled time):', report.matmulVsPlainBySize);
if (baseline) {
  console.log(`\nTraining against ${baseline.commit.slice(0, 7)} (medians of ${baseline.rounds} alternating rounds):`);
  console.table(baseline.rows.map((r) => ({ model: r.model, 'this tree tok/s': r.currentTokensPerSec.toFixed(0), 'baseline tok/s': r.baselineTokensPerSec.toFixed(0), ratio: `${r.ratio.toFixed(2)}×` })));
}

const ortRatios = report.inference.map((r) => r.forwardVsOrt).filter((x) => typeof x === 'number');
const { tables: _tables, ...data } = report;
const headline = {
  forwardVsOrt: ortRatios.length ? Math.min(...ortRatios) : null,
  matmulVsPlain: report.matmulVsPlainBySize['512x512x512'] ?? null,
  trainingVsBaseline: baseline?.trainingVsBaseline ?? null,
  firstStepMs: report.firstStep ? Math.round(report.firstStep.firstStepMs) : null,
  cpuVsReference: report.cpuVsReference ?? null,
};
console.log('\nbench.json headline:', headline);
mkdirSync(dirname(values.out), { recursive: true });
writeFileSync(values.out, JSON.stringify({ ...headline, ...data, ...(baseline ? { baseline } : {}) }, null, 2));
console.log(`written ${values.out}`);
