// The whole model on the GPU against the float64 reference: loss and every gradient tensor,
// for each architecture variant the playground offers.
import { describe, expect, it } from 'vitest';
import { recordPass } from '../gpu/dispatch';
import { getTestGpu } from '../testing/gpu';
import { expectClose } from '../testing/compare';
import { randint } from '../testing/random';
import { Rng } from '../../core/rng';
import { testSeed } from '../testing/seed';
import { RefGPT } from '../ref/model';
import { DEFAULT_CONFIG, type GPTConfig } from '../../core/config';
import { initParams, paramLayout } from '../../core/params';
import { ModelWeights } from './weights';
import { GptPlan } from './gpt';
import { readTensor } from '../sample/inference';
import { defaultKernelConfig } from '../tune/defaults';
import { bothReductions } from '../testing/reductions';

const tiny: GPTConfig = { ...DEFAULT_CONFIG, nLayer: 2, nHead: 2, nEmbd: 16, blockSize: 8, vocabSize: 11 };
const B = 3;
const T = 8;

// float32 forward through ~20 kernels against float64: the loss agrees to ~1e-6 relative;
// gradients pass through more roundings and long reductions, so a looser bound, scaled by
// each tensor's largest gradient so that near-zero entries do not dominate.
const LOSS_TOL = { atol: 1e-5, rtol: 1e-5 };
const GRAD_RTOL = 2e-3;

export const VARIANTS: [string, Partial<GPTConfig>][] = [
  ['pre-LN, GELU, learned positions, causal', {}],
  ['post-LN', { norm: 'post' }],
  ['ReLU', { activation: 'relu' }],
  ['sinusoidal positions', { positions: 'sinusoidal' }],
  ['no causal mask', { causal: false }],
];

describe('GPT on the GPU matches the float64 reference', () => {
  for (const [name, v] of VARIANTS) {
    it(`${name}: loss and every gradient, on each row reduction the device has`, async () => {
      const gpu = await getTestGpu();
      const seed = testSeed();
      const cfg = { ...tiny, ...v };
      const layout = paramLayout(cfg);
      const params = initParams(cfg, layout, seed);
      const rng = new Rng(seed);
      const tokens = randint(rng, B * T, cfg.vocabSize);
      const targets = randint(rng, B * T, cfg.vocabSize);
      const ref = new RefGPT(cfg, params);
      const { loss: refLoss } = ref.forward(tokens, targets, B, T);
      ref.backward();
      for (const [how, kernelConfig] of bothReductions(defaultKernelConfig(gpu))) {
        const what = `${name}, ${how}`;
        const weights = new ModelWeights(gpu, cfg);
        const plan = await GptPlan.build(gpu, kernelConfig, weights, { B, T, training: true });
        try {
          weights.write('params', params);
          plan.writeBatch(tokens, targets);
          const enc = gpu.device.createCommandEncoder();
          enc.clearBuffer(weights.buffers.grads);
          recordPass(enc, [...plan.forward, ...plan.backward]);
          gpu.device.pushErrorScope('validation');
          gpu.device.queue.submit([enc.finish()]);
          const validation = await gpu.device.popErrorScope();
          if (validation) throw new Error(validation.message);
          const grads = await weights.read('grads');
          const loss = (await weights.gpu.device.queue.onSubmittedWorkDone(), await readScalar(plan));
          expectClose(`${what}: loss`, [loss], [refLoss], LOSS_TOL, seed);
          expect(loss).toBeGreaterThan(Math.log(cfg.vocabSize) * 0.9); // an untrained model is near uniform
          for (const e of layout.entries) {
            const g = grads.subarray(e.offset, e.offset + e.size);
            const r = ref.grads.subarray(e.offset, e.offset + e.size);
            const scale = r.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
            expect(scale, `${e.name} has a gradient`).toBeGreaterThan(0);
            expectClose(`${what}: d ${e.name}`, g, r, { atol: GRAD_RTOL * scale, rtol: GRAD_RTOL }, seed);
          }
        } finally {
          plan.destroy();
          weights.destroy();
        }
      }
    });
  }
});

async function readScalar(plan: GptPlan): Promise<number> {
  return (await readTensor(plan.gpu, plan.act('meanLoss')))[0];
}
