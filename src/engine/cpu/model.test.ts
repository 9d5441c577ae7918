// The float32 model against the float64 reference model (../ref/model.ts): the loss, the
// logits, the attention maps and every gradient tensor, for each architecture variant, on
// sizes that are multiples of nothing (L2 NH3 C24 T7 V11 B3).
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type GPTConfig } from '../../core/config';
import { initParams, paramLayout } from '../../core/params';
import { Rng } from '../../core/rng';
import { RefGPT } from '../ref/model';
import { expectClose } from '../testing/compare';
import { randint } from '../testing/random';
import { testSeed } from '../testing/seed';
import { CpuGPT } from './model';

const tiny: GPTConfig = { ...DEFAULT_CONFIG, nLayer: 2, nHead: 3, nEmbd: 24, blockSize: 8, vocabSize: 11 };
const B = 3;
const T = 7;

// A value passes ~20 tensors on its way to a gradient, each rounded to float32 (2⁻²⁴ relative)
// and those of the matmuls summed in float32 (K ≤ 96 terms here: ~√K·2⁻²⁴ ≈ 6e-7 of the
// terms' magnitudes); at the initialisation the network is well conditioned, so a tensor's
// errors stay around 1e-6 of its largest gradient. Measured: ≤ 1.1e-6 over 100 seeds of each
// variant. 5e-6 leaves 4.5×; a wrong index, offset or missing term is off by ≳1e-2. The loss,
// a mean of log-softmaxes, agreed to ≤ 2e-8 relative and the logits to ≤ 6e-8.
const GRAD_RTOL = 5e-6;
const LOSS_TOL = { atol: 0, rtol: 1e-6 };
const LOGITS_TOL = { atol: 1e-6, rtol: 1e-6 };

const VARIANTS: [string, Partial<GPTConfig>][] = [
  ['pre-LN, GELU, learned positions, causal', {}],
  ['post-LN', { norm: 'post' }],
  ['ReLU', { activation: 'relu' }],
  ['sinusoidal positions', { positions: 'sinusoidal' }],
  ['no causal mask', { causal: false }],
];

const maxAbs = (x: ArrayLike<number>) => Array.from(x).reduce((m, v) => Math.max(m, Math.abs(v)), 0);

/** The seed's initialisation, LayerNorm γ and β moved off 1 and 0 so that their gradients differ. */
function paramsFor(cfg: GPTConfig, seed: number): Float32Array {
  const layout = paramLayout(cfg);
  const params = initParams(cfg, layout, seed);
  const rng = new Rng(seed + 1);
  for (const e of layout.entries) if (e.shape.length === 1) for (let i = 0; i < e.size; i++) params[e.offset + i] += rng.normal() * 0.1;
  return params;
}

describe('CpuGPT matches the float64 reference', () => {
  for (const [name, v] of VARIANTS) {
    for (const simd of [true, false]) {
      it(`${name}, ${simd ? 'SIMD' : 'JavaScript'} kernels: loss, logits, attention and every gradient`, () => {
        const seed = testSeed();
        const cfg = { ...tiny, ...v };
        const params = paramsFor(cfg, seed);
        const rng = new Rng(seed);
        const tokens = randint(rng, B * T, cfg.vocabSize);
        const targets = randint(rng, B * T, cfg.vocabSize);
        const ref = new RefGPT(cfg, params);
        const r = ref.forward(tokens, targets, B, T);
        const refProbs = ref.attentionProbs();
        ref.backward();

        const model = new CpuGPT(cfg, Float32Array.from(params), { simd });
        model.forward(tokens, null, B, T - 2); // a smaller call first: the activations are reused
        const c = model.forward(tokens, targets, B, T);
        expectClose(`${name}: logits`, c.logits, r.logits, LOGITS_TOL, seed);
        expectClose(`${name}: loss`, [c.loss], [r.loss], LOSS_TOL, seed);
        expect(c.loss).toBeGreaterThan(Math.log(cfg.vocabSize) * 0.9); // an untrained model is near uniform
        expectClose(`${name}: token losses`, model.tokenLosses(), ref.tokenLosses(), LOGITS_TOL, seed);
        model.attentionProbs().forEach((p, l) => expectClose(`${name}: layer ${l} attention`, p, refProbs[l], LOGITS_TOL, seed));
        model.grads.fill(NaN); // zeroGrad must clear everything the backward adds to
        model.zeroGrad();
        model.backward();
        for (const e of model.layout.entries) {
          const g = model.param(e.name, model.grads);
          const x = ref.param(e.name, ref.grads);
          const scale = maxAbs(x);
          expect(scale, `${e.name} has a gradient`).toBeGreaterThan(0);
          expectClose(`${name}: d ${e.name}`, g, x, { atol: GRAD_RTOL * scale, rtol: GRAD_RTOL }, seed);
        }
      });
    }
  }

  it('backward adds scale·Σ the token losses\' gradient: twice at 1/(2BT) is once at the default', () => {
    const seed = testSeed();
    const params = paramsFor(tiny, seed);
    const rng = new Rng(seed);
    const tokens = randint(rng, B * T, tiny.vocabSize);
    const targets = randint(rng, B * T, tiny.vocabSize);
    const once = new CpuGPT(tiny, params);
    once.forward(tokens, targets, B, T);
    once.backward();
    const twice = new CpuGPT(tiny, params);
    for (let i = 0; i < 2; i++) {
      twice.forward(tokens, targets, B, T);
      twice.backward(1 / (2 * B * T));
    }
    const scale = maxAbs(once.grads);
    expectClose('two half steps', twice.grads, once.grads, { atol: 4 * 2 ** -24 * scale, rtol: 4 * 2 ** -24 }, seed);
  });

  it('reads its parameters in place, and refuses what it cannot run', () => {
    const params = initParams(tiny, paramLayout(tiny), 1);
    const model = new CpuGPT(tiny, params);
    const tokens = Uint32Array.from([1, 2, 3]);
    const before = model.forward(tokens, null, 1, 3).logits.slice();
    params[0] += 1; // wte[0][0], read by every logit through the tied head
    expect(model.forward(tokens, null, 1, 3).logits).not.toEqual(before);
    expect(() => model.forward(new Uint32Array(9), null, 1, 9)).toThrow(/exceeds block size/);
    expect(() => new CpuGPT(tiny, new Float32Array(5))).toThrow(/5 parameters/);
    expect(() => model.backward()).toThrow(/forward with targets/);
  });
});
