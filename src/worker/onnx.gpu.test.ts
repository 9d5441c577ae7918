// The exported ONNX model run by onnxruntime-web in the browser, on the wasm and webgpu
// execution providers, against the float64 reference model's logits, for every variant.
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type GPTConfig } from '../core/config';
import { initParams, paramLayout } from '../core/params';
import { RefGPT } from '../engine/ref/model';
import { Rng } from '../core/rng';
import { testSeed } from '../engine/testing/seed';
import { exportOnnx } from '../engine/codecs/onnx';
import { OnnxRunError, loadOrt, runOnnx, type OrtProvider } from './ort';

const tiny: GPTConfig = { ...DEFAULT_CONFIG, nLayer: 2, nHead: 2, nEmbd: 16, blockSize: 8, vocabSize: 11 };
const VARIANTS: [string, Partial<GPTConfig>][] = [
  ['pre-LN, GELU, learned positions, causal', {}],
  ['post-LN', { norm: 'post' }],
  ['ReLU', { activation: 'relu' }],
  ['sinusoidal positions', { positions: 'sinusoidal' }],
  ['no causal mask', { causal: false }],
];
const LENGTHS = [1, 5, 8];
// float32 through ~40 operators against float64: max|Δ| / max|ref|.
const REL_TOL = 1e-4;
// initParams' N(0, 0.02) gives near-uniform attention and near-zero logits, under which a
// wrong mask or scale hides; larger weights make every part of the graph matter.
const WEIGHT_GAIN = 8;

async function checkAgainstReference(v: Partial<GPTConfig>, provider: OrtProvider): Promise<void> {
  const seed = testSeed();
  const cfg = { ...tiny, ...v };
  const params = initParams(cfg, paramLayout(cfg), seed).map((x) => x * WEIGHT_GAIN);
  const model = exportOnnx(cfg, params);
  const ref = new RefGPT(cfg, params);
  const rng = new Rng(seed);
  for (const T of LENGTHS) {
    const ids = Array.from({ length: T }, () => rng.int(cfg.vocabSize));
    const got = await runOnnx(model, ids, provider);
    const want = ref.forward(Uint32Array.from(ids), null, 1, T).logits;
    expect(got.length, `logits length, T=${T}, seed ${seed}`).toBe(T * cfg.vocabSize);
    let maxDiff = 0;
    let maxRef = 0;
    for (let i = 0; i < want.length; i++) {
      const d = Math.abs(got[i] - want[i]);
      maxDiff = Number.isNaN(d) ? Infinity : Math.max(maxDiff, d);
      maxRef = Math.max(maxRef, Math.abs(want[i]));
    }
    const rel = maxDiff / maxRef;
    if (!(rel <= REL_TOL)) {
      throw new Error(`${provider}, T=${T}: max|Δ|/max|ref| = ${rel.toPrecision(3)} > ${REL_TOL} (ids ${ids.join(' ')}; seed ${seed})`);
    }
  }
}

describe('exported ONNX on onnxruntime-web (wasm EP) matches the float64 reference', () => {
  for (const [name, v] of VARIANTS) {
    it(`${name}: logits for T = ${LENGTHS.join(', ')}`, () => checkAgainstReference(v, 'wasm'));
  }
});

describe('exported ONNX on onnxruntime-web (webgpu EP) matches the float64 reference', () => {
  // On SwiftShader a webgpu failure must show up as a failure with ORT's own message, not as
  // a skip: runOnnx never falls back to another provider.
  for (const [name, v] of VARIANTS) {
    it(`${name}: logits for T = ${LENGTHS.join(', ')}`, () => checkAgainstReference(v, 'webgpu'));
  }

  it('runs on a WebGPU device (ORT created one for the webgpu EP)', async () => {
    await runOnnx(exportOnnx(tiny, initParams(tiny, paramLayout(tiny), testSeed())), [1, 2, 3], 'webgpu');
    const ort = await loadOrt();
    const timeout = new Promise<null>((resolve) => setTimeout(() => resolve(null), 10_000));
    const device = await Promise.race([ort.env.webgpu.device, timeout]);
    expect(device, 'ort.env.webgpu.device after the webgpu runs').toBeInstanceOf(GPUDevice);
  });
});

describe('runOnnx rejects bad input with OnnxRunError', () => {
  const cfg = tiny;
  const model = () => exportOnnx(cfg, initParams(cfg, paramLayout(cfg), testSeed()));

  it('bytes that are not an ONNX model', async () => {
    const junk = new Uint8Array(64).map((_, i) => (i * 37 + 11) & 0xff);
    await expect(runOnnx(junk, [1, 2], 'wasm')).rejects.toThrow(/could not load the model/);
    await expect(runOnnx(junk, [1, 2], 'wasm')).rejects.toBeInstanceOf(OnnxRunError);
  });

  it('a token id outside the vocabulary, before running', async () => {
    await expect(runOnnx(model(), [1, cfg.vocabSize], 'wasm')).rejects.toThrow(/Token id 11 at position 1 is outside the model's vocabulary of 11/);
  });

  it('no tokens, negative or fractional ids', async () => {
    await expect(runOnnx(model(), [], 'wasm')).rejects.toThrow(/at least one token/);
    await expect(runOnnx(model(), [0, -1], 'wasm')).rejects.toThrow(/Token id -1 at position 1/);
    await expect(runOnnx(model(), [0.5], 'wasm')).rejects.toThrow(OnnxRunError);
  });

  it('more tokens than the block size', async () => {
    const ids = Array.from({ length: cfg.blockSize + 1 }, () => 0);
    await expect(runOnnx(model(), ids, 'wasm')).rejects.toThrow(/failed on 9 tokens/);
  });
});
