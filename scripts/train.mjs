#!/usr/bin/env node
// npm run train -- --corpus FILE [--layers 2 --heads 4 --embd 64 --block 64 --batch 16
//   --steps 500 --lr 1e-3 --min-lr 1e-3 --warmup 0 --wd 0.1 --seed 1337 --eval-every 100
//   --eval-iters 20 --tokenizer char|bpe --vocab N --out run.json
//   --save model.safetensors --onnx model.onnx]
// Trains with the app's engine in headless Chromium (the same browser setup as the tests)
// and writes {config, params, curve: [{step, train, val}], tokensPerSec, adapter}.
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runPage } from './lib/browser-run.mjs';

const { values: v } = parseArgs({
  options: {
    corpus: { type: 'string' },
    layers: { type: 'string', default: '2' },
    heads: { type: 'string', default: '4' },
    embd: { type: 'string', default: '64' },
    block: { type: 'string', default: '64' },
    batch: { type: 'string', default: '16' },
    steps: { type: 'string', default: '500' },
    lr: { type: 'string', default: '1e-3' },
    'min-lr': { type: 'string' },
    warmup: { type: 'string', default: '0' },
    wd: { type: 'string', default: '0.1' },
    clip: { type: 'string', default: '1.0' },
    seed: { type: 'string', default: '1337' },
    'eval-every': { type: 'string', default: '100' },
    'eval-iters': { type: 'string', default: '20' },
    tokenizer: { type: 'string', default: 'char' },
    vocab: { type: 'string', default: '512' },
    'grad-accum': { type: 'string', default: '1' },
    out: { type: 'string' },
    save: { type: 'string' },
    onnx: { type: 'string' },
  },
});

function fail(msg) {
  console.error(`train: ${msg}`);
  process.exit(2);
}
if (!v.corpus) fail('--corpus FILE is required');
let corpus;
try {
  corpus = readFileSync(v.corpus, 'utf8');
} catch (e) {
  fail(`cannot read ${v.corpus}: ${e.message}`);
}
const num = (name) => {
  const x = Number(v[name]);
  if (!Number.isFinite(x)) fail(`--${name} must be a number, got ${v[name]}`);
  return x;
};
if (v.tokenizer !== 'char' && v.tokenizer !== 'bpe') fail('--tokenizer must be char or bpe');
const options = {
  layers: num('layers'),
  heads: num('heads'),
  embd: num('embd'),
  block: num('block'),
  batch: num('batch'),
  steps: num('steps'),
  lr: num('lr'),
  minLr: v['min-lr'] === undefined ? num('lr') : num('min-lr'),
  warmup: num('warmup'),
  wd: num('wd'),
  clip: num('clip'),
  seed: num('seed'),
  evalEvery: num('eval-every'),
  evalIters: num('eval-iters'),
  tokenizer: v.tokenizer,
  vocab: num('vocab'),
  gradAccum: num('grad-accum'),
  save: Boolean(v.save),
  onnx: Boolean(v.onnx),
};

try {
  const result = await runPage('/tools/train.html', {
    onLog: (line) => console.log(line),
    expose: {
      __options: () => options,
      __corpus: () => corpus,
      __writeFile: (kind, base64) => {
        const file = kind === 'save' ? v.save : v.onnx;
        writeFileSync(file, Buffer.from(base64, 'base64'));
        console.log(`written ${file}`);
      },
    },
  });
  const json = JSON.stringify(result, null, 2);
  if (v.out) {
    writeFileSync(v.out, json);
    console.log(`written ${v.out}`);
  } else {
    console.log(json);
  }
} catch (e) {
  fail(e.message);
}
