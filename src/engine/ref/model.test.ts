// The reference model's gradients against finite differences of its own loss, for every
// architecture variant: this is what makes it a yardstick for the GPU model.
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type GPTConfig } from '../../core/config';
import { initParams, paramLayout } from '../../core/params';
import { Rng } from '../../core/rng';
import { testSeed } from '../testing/seed';
import { randint } from '../testing/random';
import { RefGPT } from './model';

const tiny: GPTConfig = { ...DEFAULT_CONFIG, nLayer: 2, nHead: 2, nEmbd: 8, blockSize: 6, vocabSize: 11 };

// Central differences D(h) = (f(x+h) − f(x−h))/2h = f′ + c·h² + O(h⁴), at h and h/2. Their
// difference estimates the truncation of D(h/2), c·h²/4 = (D(h) − D(h/2))/3, which can be
// large (the ×10 weights make some losses very curved); that estimate, doubled, joins the
// tolerance. What is left: float64 rounding of the loss (|loss| ~ 3, so ~1e-15 / h ≈ 1e-10,
// under FD_ATOL) and a relative 1e-4 for the O(h⁴) rest. A wrong gradient is off by O(1).
const FD_H = 1e-5;
const FD_ATOL = 1e-7;
const FD_RTOL = 1e-4;

interface Difference {
  value: number;
  truncation: number;
  atol: number;
}

/** D(h/2) with its tolerance, or null when a ReLU input changed sign between x ± h (a kink in reach). */
function centralDifferences(f: (x: number) => number, x: number, kinks: KinkWatch | null): Difference | null {
  kinks?.reset();
  const d = (h: number) => (f(x + h) - f(x - h)) / (2 * h);
  const coarse = d(FD_H);
  const fine = d(FD_H / 2);
  if (kinks?.crossed) return null;
  const truncation = Math.abs(coarse - fine) / 3;
  return { value: fine, truncation, atol: FD_ATOL + 2 * truncation };
}

/**
 * ReLU is not differentiable where its input is 0: a difference whose ±h moves any activation
 * input across 0 measures a mix of two slopes, not the gradient. This records the signs of
 * every layer's activation input at the unperturbed parameters and notes when a perturbed
 * forward changes one.
 */
class KinkWatch {
  private readonly signs: Uint8Array[];
  crossed = false;

  constructor(private readonly model: RefGPT) {
    this.signs = model.activationInputs().map((x) => Uint8Array.from(x, (v) => (v > 0 ? 1 : 0)));
  }

  reset(): void {
    this.crossed = false;
  }

  check(): void {
    this.model.activationInputs().forEach((x, l) => {
      for (let j = 0; j < x.length; j++) if ((x[j] > 0 ? 1 : 0) !== this.signs[l][j]) this.crossed = true;
    });
  }
}

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
      const seed = testSeed();
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
      const kinks = cfg.activation === 'relu' ? new KinkWatch(model) : null;
      const loss = (k: number, x: number) => {
        const orig = model.params[k];
        model.params[k] = x;
        const l = model.forward(tokens, targets, B, T).loss;
        model.params[k] = orig;
        kinks?.check();
        return l;
      };
      for (const e of layout.entries) {
        // three elements of each tensor: first, last and one at random
        for (const pick of new Set([0, e.size - 1, rng.int(e.size)])) {
          // ReLU: the next element whose ±h differences stay on one side of every kink.
          let i = pick;
          const at = (j: number) => centralDifferences((x) => loss(e.offset + j, x), model.params[e.offset + j], kinks);
          let fd = at(i);
          for (let tries = 1; !fd && tries < e.size; tries++) fd = at((i = (i + 1) % e.size));
          if (!fd) throw new Error(`${e.name}: every element's finite difference straddles a ReLU kink; seed ${seed}`);
          const analytic = model.grads[e.offset + i];
          const err = Math.abs(fd.value - analytic) / (fd.atol + FD_RTOL * Math.abs(fd.value));
          expect(err, `${e.name}[${i}]: analytic ${analytic}, numeric ${fd.value} (truncation ≈ ${fd.truncation}), seed ${seed}`).toBeLessThanOrEqual(1);
        }
      }
    });
  }

  it('the no-mask variant lets an earlier position see later tokens; the causal one does not', () => {
    const seed = testSeed();
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
