// The reference model's gradients against finite differences of its own loss, for every
// architecture variant: this is what makes it a yardstick for the GPU model.
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type GPTConfig } from '../../core/config';
import { initParams, paramLayout } from '../../core/params';
import { Rng, freshSeed } from '../../core/rng';
import { randint } from '../testing/random';
import { RefGPT } from './model';

const tiny: GPTConfig = { ...DEFAULT_CONFIG, nLayer: 2, nHead: 2, nEmbd: 8, blockSize: 6, vocabSize: 11 };

const variants: [string, Partial<GPTConfig>][] = [
  ['pre-LN GELU learned causal', {}],
  ['post-LN', { norm: 'post' }],
  ['ReLU', { activation: 'relu' }],
  ['sinusoidal positions', { positions: 'sinusoidal' }],
  ['no mask', { causal: false }],
];

describe('reference GPT', () => {
  for (const [name, v] of variants) {
    it(`${name}: every parameter tensor's gradient matches finite differences`, () => {
      const seed = freshSeed();
      const cfg = { ...tiny, ...v };
      const layout = paramLayout(cfg);
      // Larger init than 0.02 so every path carries a gradient well above the FD noise.
      const params = initParams(cfg, layout, seed).map((x) => x * 10);
      const model = new RefGPT(cfg, params);
      // LayerNorm γ/β away from 1/0 so their gradients are not trivially symmetric
      const rng = new Rng(seed);
      for (const e of layout.entries) if (e.shape.length === 1) for (let i = 0; i < e.size; i++) model.params[e.offset + i] += rng.normal() * 0.1;
      const B = 2;
      const T = 5;
      const tokens = randint(rng, B * T, cfg.vocabSize);
      const targets = randint(rng, B * T, cfg.vocabSize);
      model.zeroGrad();
      model.forward(tokens, targets, B, T);
      model.backward();
      const eps = 1e-5;
      for (const e of layout.entries) {
        // three elements of each tensor: first, last and one at random
        const picks = new Set([0, e.size - 1, rng.int(e.size)]);
        for (const i of picks) {
          const k = e.offset + i;
          const orig = model.params[k];
          model.params[k] = orig + eps;
          const lp = model.forward(tokens, targets, B, T).loss;
          model.params[k] = orig - eps;
          const lm = model.forward(tokens, targets, B, T).loss;
          model.params[k] = orig;
          const numeric = (lp - lm) / (2 * eps);
          const analytic = model.grads[k];
          const err = Math.abs(numeric - analytic) / (1e-7 + 1e-4 * Math.abs(numeric));
          expect(err, `${e.name}[${i}]: analytic ${analytic}, numeric ${numeric}, seed ${seed}`).toBeLessThanOrEqual(1);
        }
      }
    });
  }

  it('the no-mask variant lets an earlier position see later tokens; the causal one does not', () => {
    const seed = freshSeed();
    for (const causal of [true, false]) {
      const cfg = { ...tiny, causal };
      const model = new RefGPT(cfg, initParams(cfg, paramLayout(cfg), seed));
      const tokens = Uint32Array.from([1, 2, 3, 4, 5]);
      const a = model.forward(tokens, null, 1, 5).logits.slice(0, cfg.vocabSize);
      tokens[4] = 9;
      const b = model.forward(tokens, null, 1, 5).logits.slice(0, cfg.vocabSize);
      const changed = a.some((x, i) => x !== b[i]);
      expect(changed, `causal=${causal}`).toBe(!causal);
    }
  });
});
