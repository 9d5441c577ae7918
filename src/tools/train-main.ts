// The headless trainer's page: the same engine as the app, driven by options from the
// command line (scripts/train.mjs), printing progress and reporting a JSON summary.
import { acquireGpu, describeAdapter } from '../engine/gpu/device';
import { defaultKernelConfig } from '../engine/tune/defaults';
import { DEFAULT_CONFIG, validateConfig, type GPTConfig } from '../core/config';
import { countParams } from '../core/params';
import { checkMemory, estimateMemory, DEFAULT_MEMORY_BUDGET } from '../core/memory';
import { DEFAULT_TRAIN, validateSettings, type TrainSettings } from '../core/settings';
import { Trainer, type StepReport } from '../engine/train/trainer';
import { CharTokenizer, trainBpe, type Tokenizer } from '../engine/tokenize';
import { exportCheckpoint } from '../engine/codecs/checkpoint';
import { exportOnnx } from '../engine/codecs/onnx';

interface Options {
  layers: number;
  heads: number;
  embd: number;
  block: number;
  batch: number;
  steps: number;
  lr: number;
  minLr: number;
  warmup: number;
  wd: number;
  clip: number;
  seed: number;
  evalEvery: number;
  evalIters: number;
  tokenizer: 'char' | 'bpe';
  vocab: number;
  gradAccum: number;
  save: boolean;
  onnx: boolean;
}

declare global {
  interface Window {
    __options?: () => Promise<Options>;
    __corpus?: () => Promise<string>;
    __report?: (result: unknown) => void;
    __fail?: (message: string) => void;
    __writeFile?: (kind: 'save' | 'onnx', base64: string) => Promise<void>;
  }
}

async function main(): Promise<void> {
  const o = await window.__options!();
  const text = await window.__corpus!();
  const gpu = await acquireGpu();
  const adapter = describeAdapter(gpu.adapter);
  console.log(`adapter: ${adapter}`);
  const t0 = performance.now();
  let tok: Tokenizer;
  if (o.tokenizer === 'bpe') {
    let lastShown = -1;
    tok = trainBpe(text, o.vocab, {
      onProgress: (f, msg) => {
        const pct = Math.floor(f * 10);
        if (pct !== lastShown) console.log(`tokenizer: ${msg}`);
        lastShown = pct;
      },
    });
  } else {
    tok = CharTokenizer.fromCorpus(text);
  }
  const tokens = tok.encode(text);
  console.log(`tokenizer: ${tok.kind}, vocabulary ${tok.vocabSize}, ${tokens.length} tokens (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  const config: GPTConfig = { ...DEFAULT_CONFIG, nLayer: o.layers, nHead: o.heads, nEmbd: o.embd, blockSize: o.block, vocabSize: tok.vocabSize };
  const settings: TrainSettings = {
    ...DEFAULT_TRAIN,
    batchSize: o.batch,
    blockSize: o.block,
    lr: o.lr,
    minLr: o.minLr,
    warmupSteps: o.warmup,
    maxSteps: o.steps,
    weightDecay: o.wd,
    gradClip: o.clip,
    seed: o.seed,
    evalEvery: o.evalEvery,
    evalIters: o.evalIters,
    gradAccumSteps: o.gradAccum,
  };
  const problems = [...validateConfig(config), ...validateSettings(settings, config.blockSize)];
  if (problems.length) throw new Error(problems.join(' '));
  const mem = checkMemory(estimateMemory(config, o.batch, o.block, o.gradAccum), { ...gpu.limits, budget: DEFAULT_MEMORY_BUDGET }, config, o.batch, o.block);
  if (mem) throw new Error(mem);
  const params = countParams(config);
  console.log(`model: ${o.layers} layers, ${o.heads} heads, width ${o.embd}, block ${o.block}: ${params} parameters`);

  const curve: { step: number; train: number; val: number }[] = [];
  const steps: StepReport[] = [];
  // The adapter's default kernels: a tuned tile would be faster on a GPU but results are the
  // same either way, and the headless trainer's runs are short.
  const trainer = await Trainer.create(gpu, defaultKernelConfig(gpu), config, settings, tokens, {
    events: {
      onStep: (r) => {
        steps.push(r);
        if (r.step % 10 === 0 || r.step === 1) {
          console.log(`step ${r.step}: loss ${r.loss.toFixed(4)}, lr ${r.lr.toExponential(2)}, ${r.stepMs.toFixed(0)} ms, ${r.tokensPerSec.toFixed(0)} tok/s`);
        }
      },
      onDiverged: (step, loss, gradNorm) => console.log(`step ${step}: ${gradNorm === undefined ? `loss is ${loss}` : `gradient norm is ${gradNorm}`}; stopping`),
    },
  });
  const evaluate = async () => {
    const e = await trainer.evaluate();
    curve.push(e);
    console.log(`eval at step ${e.step}: train ${e.train.toFixed(4)}, val ${e.val.toFixed(4)}`);
  };
  await evaluate();
  const tStart = performance.now();
  let evalMs = 0;
  while (trainer.step < o.steps && !trainer.diverged) {
    await trainer.trainStep();
    if (o.evalEvery > 0 && trainer.step % o.evalEvery === 0) {
      const e0 = performance.now();
      await evaluate();
      evalMs += performance.now() - e0;
    }
  }
  await trainer.flush();
  if (curve.at(-1)?.step !== trainer.step) await evaluate();
  const trainMs = performance.now() - tStart - evalMs;
  const tokensPerSec = (trainer.step * o.batch * o.block * o.gradAccum * 1000) / trainMs;
  console.log(`trained ${trainer.step} steps in ${(trainMs / 1000).toFixed(1)} s: ${tokensPerSec.toFixed(0)} tokens/s`);
  if (o.save || o.onnx) {
    const params = await trainer.weights.read('params');
    if (o.save) await window.__writeFile!('save', toBase64(exportCheckpoint(config, params, { tokenizer: tok.toJSON(), step: trainer.step })));
    if (o.onnx) await window.__writeFile!('onnx', toBase64(exportOnnx(config, params)));
  }
  trainer.destroy();
  window.__report?.({
    config,
    train: settings,
    tokenizer: { kind: tok.kind, vocabSize: tok.vocabSize, tokens: tokens.length },
    params,
    curve,
    tokensPerSec,
    adapter,
  });
}

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

main().catch((e: unknown) => window.__fail?.(e instanceof Error ? `${e.name}: ${e.message}` : String(e)));
