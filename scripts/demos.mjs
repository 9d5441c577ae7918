#!/usr/bin/env node
// npm run demos [-- --only count,brackets] [--out public/demos] [--tweak JSON]
// Trains the demos the app ships (src/tools/demo-specs.ts) with the app's engine in headless
// Chromium, the same way `npm run train` does, and writes each as <id>.demo (a share-link
// payload: the demo with its loss history and int8 weights) plus index.json, the manifest the
// app's gallery reads. Seeded throughout: a rerun on the same machine writes the same bytes.
// With --only, the other demos' entries in an existing index.json are kept. --tweak changes
// specs for an experiment without editing them, e.g. '{"count":{"train":{"lr":0.01}}}'
// (merged into each named spec's model, train and sample).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runPage } from './lib/browser-run.mjs';

const { values: v } = parseArgs({
  options: {
    only: { type: 'string', default: '' },
    out: { type: 'string', default: 'public/demos' },
    tweak: { type: 'string', default: '{}' },
  },
});

let tweak;
try {
  tweak = JSON.parse(v.tweak);
} catch (e) {
  console.error(`demos: --tweak is not JSON: ${e.message}`);
  process.exit(2);
}
const only = v.only.split(',').map((s) => s.trim()).filter(Boolean);
const manifestPath = join(v.out, 'index.json');
mkdirSync(v.out, { recursive: true });

function previousEntries() {
  try {
    return JSON.parse(readFileSync(manifestPath, 'utf8')).demos ?? [];
  } catch {
    return [];
  }
}

const t0 = Date.now();
try {
  const result = await runPage('/tools/demos.html', {
    timeoutMs: 90 * 60_000,
    onLog: (line) => console.log(line),
    expose: {
      __only: () => only,
      __tweak: () => tweak,
      __writeDemo: (id, base64) => {
        const file = join(v.out, `${id}.demo`);
        writeFileSync(file, Buffer.from(base64, 'base64'));
        console.log(`written ${file}`);
      },
    },
  });
  let demos = result.demos;
  if (only.length) {
    // Keep the other demos, in their order; a demo not listed yet goes last.
    const fresh = new Map(demos.map((d) => [d.id, d]));
    demos = previousEntries().map((d) => fresh.get(d.id) ?? d);
    for (const d of result.demos) if (!demos.some((x) => x.id === d.id)) demos.push(d);
  }
  const manifest = { format: 'gpt-playground/demo-manifest', version: 1, defaultId: result.defaultId, demos };
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`written ${manifestPath}`);
  for (const d of demos) console.log(`${d.id.padEnd(10)} step ${String(d.step).padStart(5)}  val ${d.valLoss.toFixed(4)}  ${(d.bytes / 1024).toFixed(1)} KB  ${d.lookAt}`);
  console.log(`done in ${((Date.now() - t0) / 60_000).toFixed(1)} min`);
} catch (e) {
  console.error(`demos: ${e.message}`);
  process.exit(1);
}
