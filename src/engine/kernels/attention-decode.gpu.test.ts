import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng';
import { testSeed } from '../testing/seed';
import { f32, randn } from '../testing/random';
import { expectClose } from '../testing/compare';
import { checkGuards, download, getTestGpu, poisoned, run, upload } from '../testing/gpu';
import * as ref from '../ref/attention';
import { attentionDecode } from './attention-decode';
import { defaultKernelConfig } from '../tune/defaults';

// A softmax over ≤ 70 keys and a weighted sum, in f32 against float64.
const TOL = { atol: 2e-6, rtol: 1e-5 };

/**
 * A cache whose scores q·k/√hs are ±100 + a spread of ±20, computed exactly in f32: head
 * size 16 (scale 1/4), q = ±5·σ and k = ±5·σ + e with σ ∈ {±1}^16 per head and e ∈ {−1, 0, 1},
 * all integers. exp of a raw score overflows f32 (e^88.7), so only a kernel that subtracts
 * the row's max gets finite probabilities; the exact scores keep the tolerance that of the
 * softmax itself.
 */
function largeScores(rng: Rng, T: number, C: number, NH: number): Float64Array {
  const hs = C / NH;
  const qkv = new Float64Array(T * 3 * C);
  const sign = () => (rng.random() < 0.5 ? -1 : 1);
  const sigma = Array.from({ length: NH }, () => Array.from({ length: hs }, sign));
  for (let t = 0; t < T; t++) {
    const row = t * 3 * C;
    for (let h = 0; h < NH; h++) {
      const [cq, ck] = [sign(), sign()];
      for (let d = 0; d < hs; d++) {
        qkv[row + h * hs + d] = 5 * cq * sigma[h][d];
        qkv[row + C + h * hs + d] = 5 * ck * sigma[h][d] + rng.int(3) - 1;
      }
    }
    for (let c = 0; c < C; c++) qkv[row + 2 * C + c] = rng.normal();
  }
  return f32(qkv);
}

describe('attention_decode', () => {
  // The default reduction, then the workgroup one and the subgroup one (where the device has subgroups).
  // Then scores of ±100 on each reduction.
  const cases = [[9, 20, 2, undefined, false], [70, 48, 3, undefined, false], [70, 48, 3, false, false], [70, 48, 3, true, false],
    [70, 48, 3, false, true], [70, 48, 3, true, true]] as const;
  for (const [T, C, NH, subgroups, large] of cases) {
    const how = `${subgroups === undefined ? '' : subgroups ? ', subgroup reductions' : ', workgroup reductions'}${large ? ', scores ±100' : ''}`;
    it(`row t of causal attention over the cache, T=${T} C=${C} NH=${NH}, for several t from one dispatch${how}`, async () => {
      const gpu = await getTestGpu();
      if (subgroups && !(gpu.features.has('subgroups') && gpu.adapter.subgroupMinSize)) {
        const t = (shape: number[], dtype?: 'u32') => poisoned(gpu, 't', shape, dtype);
        expect(() => attentionDecode(gpu, defaultKernelConfig(gpu), t([1, C]), t([T, 3 * C]), t([1], 'u32'), { nHead: NH, subgroups })).toThrow(/no subgroups/);
        return;
      }
      const seed = testSeed();
      const rng = new Rng(seed);
      const qkv = large ? largeScores(rng, T, C, NH) : f32(randn(rng, T * 3 * C));
      const full = new Float64Array(T * C);
      ref.attentionForward(full, new Float64Array(NH * T), qkv, 1, T, C, { nHead: NH, causal: true });
      const out = poisoned(gpu, 'out', [1, C]);
      const pos = upload(gpu, 'position', [1], [0], 'u32');
      const d = await attentionDecode(gpu, defaultKernelConfig(gpu), out, upload(gpu, 'cache', [1, T, 3 * C], qkv), pos, { nHead: NH, subgroups });
      for (const t of [0, 1, Math.floor(T / 2), T - 1]) {
        gpu.device.queue.writeBuffer(pos.buffer, pos.offset, Uint32Array.of(t));
        await run(gpu, [d]);
        expectClose(`t=${t}`, await download(gpu, out), full.subarray(t * C, (t + 1) * C), TOL, seed);
      }
      await checkGuards(gpu, out);
    });
  }
});
