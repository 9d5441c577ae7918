// The page `npm run demos` drives (scripts/demos.mjs): trains each shipped demo with the
// app's engine, finds the head that shows its task, and hands back the demo as the share
// link's payload (DemoState with its loss history, int8 weights) with its manifest entry.
// Everything is seeded and nothing measured (times, rates) goes into the output, so a rerun
// on the same machine writes the same bytes.
import { acquireGpu, describeAdapter, type Gpu } from '../engine/gpu/device';
import { defaultKernelConfig } from '../engine/tune/defaults';
import { validateConfig, type GPTConfig } from '../core/config';
import { countParams } from '../core/params';
import { Trainer } from '../engine/train/trainer';
import { Inference } from '../engine/sample/inference';
import { CharTokenizer } from '../engine/tokenize';
import { quantizeParams } from '../engine/codecs/quantize';
import { findCorpus } from '../corpora';
import { DEMO_FORMAT, DEMO_VERSION, type DemoHistory, type DemoState } from '../persist/demo';
import { decodeSharePayload, encodeSharePayload } from '../persist/share';
import type { DemoManifestEntry } from '../persist/demo-manifest';
import { findTaskHead, lookAtLine } from './demo-heads';
import { BASE_MODEL, DEFAULT_DEMO_ID, DEMO_SPECS, specSettings, type DemoSpec } from './demo-specs';

declare global {
  interface Window {
    /** Ids to train (empty: all). */
    __only?: () => Promise<string[]>;
    /** Per id, changes merged into the spec's model, train and sample (experiments). */
    __tweak?: () => Promise<Record<string, { model?: Partial<DemoSpec['model']>; train?: Partial<DemoSpec['train']>; sample?: Partial<DemoSpec['sample']> }>>;
    __writeDemo?: (id: string, base64: string) => Promise<void>;
    __report?: (result: unknown) => void;
    __fail?: (message: string) => void;
  }
}

/** Four decimals: plenty for a chart, and the JSON stays short. */
const round4 = (x: number) => Math.round(x * 1e4) / 1e4;

/** Greedy continuation of the prompt, re-running the whole sequence per token (logged only). */
async function greedy(inf: Inference, tok: CharTokenizer, prompt: string, n: number, blockSize: number): Promise<string> {
  const ids = Array.from(tok.encode(prompt));
  for (let i = 0; i < n; i++) {
    const ctx = Uint32Array.from(ids.slice(-blockSize));
    const logits = await inf.logits(ctx);
    const V = tok.vocabSize;
    const last = logits.subarray((ctx.length - 1) * V, ctx.length * V);
    let arg = 0;
    for (let v = 1; v < V; v++) if (last[v] > last[arg]) arg = v;
    ids.push(arg);
  }
  return tok.decode(ids.slice(tok.encode(prompt).length));
}

async function trainDemo(gpu: Gpu, spec: DemoSpec): Promise<{ bytes: Uint8Array; entry: DemoManifestEntry }> {
  const corpus = findCorpus(spec.id);
  if (!corpus) throw new Error(`no sample corpus "${spec.id}"`);
  const text = corpus.text();
  const tok = CharTokenizer.fromCorpus(text);
  const { train, sample } = specSettings(spec);
  const model: DemoState['model'] = { ...BASE_MODEL, ...spec.model };
  const config: GPTConfig = { ...model, vocabSize: tok.vocabSize };
  const problems = validateConfig(config);
  if (problems.length) throw new Error(`${spec.id}: ${problems.join(' ')}`);
  console.log(`${spec.id}: ${countParams(config)} parameters, ${train.maxSteps} steps of ${train.batchSize}×${train.blockSize}`);

  const history: DemoHistory = { steps: [], evals: [] };
  const trainer = await Trainer.create(gpu, defaultKernelConfig(gpu), config, train, tok.encode(text), {
    events: {
      onStep: (r) => {
        history.steps.push({ step: r.step, loss: round4(r.loss) });
        if (r.step % 50 === 0) console.log(`${spec.id}: step ${r.step}, loss ${r.loss.toFixed(4)}, ${r.stepMs.toFixed(0)} ms`);
      },
      onDiverged: (step) => console.log(`${spec.id}: diverged at step ${step}`),
    },
  });
  const t0 = performance.now();
  try {
    const evaluate = async () => {
      const e = await trainer.evaluate();
      history.evals.push({ step: e.step, train: round4(e.train), val: round4(e.val) });
    };
    await evaluate();
    while (trainer.step < train.maxSteps && !trainer.diverged) {
      await trainer.trainStep();
      if (trainer.step % train.evalEvery === 0) await evaluate();
    }
    await trainer.flush();
    if (trainer.diverged) throw new Error(`${spec.id}: training diverged at step ${trainer.step}`);
    if (history.evals.at(-1)?.step !== trainer.step) await evaluate();
    const last = history.evals.at(-1)!;
    console.log(`${spec.id}: ${trainer.step} steps in ${((performance.now() - t0) / 1000).toFixed(0)} s, val loss ${last.val.toFixed(4)}`);

    const inf = new Inference(trainer.gpu, defaultKernelConfig(gpu), trainer.weights);
    try {
      const ids = tok.encode(sample.prompt);
      const T = Math.min(ids.length, model.blockSize);
      const chars = Array.from(ids.slice(-T), (id) => tok.decode([id]));
      const probs = await inf.attention(Uint32Array.from(ids.slice(-T)));
      const clear = findTaskHead(spec.task, probs, model.nHead, chars);
      const lookAt = lookAtLine(clear, spec.fallback, spec.lead);
      console.log(`${spec.id}: ${lookAt}`);
      console.log(`${spec.id}: greedy after ${JSON.stringify(sample.prompt)}: ${JSON.stringify(await greedy(inf, tok, sample.prompt, 40, model.blockSize))}`);

      const params = await trainer.weights.read('params');
      const demo: DemoState = {
        format: DEMO_FORMAT,
        version: DEMO_VERSION,
        corpus: { source: { kind: 'sample', id: spec.id }, text: '' },
        tokenizer: { kind: 'char' },
        model,
        train,
        sample,
        history,
      };
      const bytes = await encodeSharePayload(demo, { quantized: quantizeParams(config, params), config, step: trainer.step });
      // What the app will do with the file, checked before it is written.
      const back = await decodeSharePayload(bytes);
      if (!back.weights || back.weights.step !== trainer.step || !back.demo.history?.steps.length) throw new Error(`${spec.id}: the payload does not read back`);
      const entry: DemoManifestEntry = { id: spec.id, title: spec.title, lookAt, file: `${spec.id}.demo`, step: trainer.step, valLoss: last.val, bytes: bytes.length };
      if (clear) entry.head = { layer: clear.found.layer, head: clear.found.head };
      return { bytes, entry };
    } finally {
      inf.destroy();
    }
  } finally {
    trainer.destroy();
  }
}

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

async function main(): Promise<void> {
  const only = await window.__only!();
  const tweak = (await window.__tweak?.()) ?? {};
  const unknown = only.filter((id) => !DEMO_SPECS.some((s) => s.id === id));
  if (unknown.length) throw new Error(`no demo named ${unknown.join(', ')} (there are ${DEMO_SPECS.map((s) => s.id).join(', ')})`);
  const gpu = await acquireGpu();
  console.log(`adapter: ${describeAdapter(gpu.adapter)}`);
  const entries: DemoManifestEntry[] = [];
  for (const spec of DEMO_SPECS) {
    if (only.length && !only.includes(spec.id)) continue;
    const t = tweak[spec.id] ?? {};
    if (tweak[spec.id]) console.log(`${spec.id}: tweaked ${JSON.stringify(t)}`);
    const tweaked = { ...spec, model: { ...spec.model, ...t.model }, train: { ...spec.train, ...t.train }, sample: { ...spec.sample, ...t.sample } };
    const { bytes, entry } = await trainDemo(gpu, tweaked);
    await window.__writeDemo!(spec.id, toBase64(bytes));
    entries.push(entry);
  }
  window.__report?.({ defaultId: DEFAULT_DEMO_ID, demos: entries });
}

main().catch((e: unknown) => window.__fail?.(e instanceof Error ? `${e.name}: ${e.message}` : String(e)));
