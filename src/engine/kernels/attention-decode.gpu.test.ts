import { describe, expect, it } from 'vitest';
import { Rng, freshSeed } from '../../core/rng';
import { f32, randn } from '../testing/random';
import { expectClose } from '../testing/compare';
import { checkGuards, download, getTestGpu, poisoned, run, upload } from '../testing/gpu';
import * as ref from '../ref/attention';
import { attentionDecode } from './attention-decode';
import { defaultKernelConfig } from '../tune/defaults';

// A softmax over ≤ 70 keys and a weighted sum, in f32 against float64.
const TOL = { atol: 2e-6, rtol: 1e-5 };

describe('attention_decode', () => {
  // The default reduction, then the workgroup one and the subgroup one (where the device has subgroups).
  const cases = [[9, 20, 2, undefined], [70, 48, 3, undefined], [70, 48, 3, false], [70, 48, 3, true]] as const;
  for (const [T, C, NH, subgroups] of cases) {
    const how = subgroups === undefined ? '' : subgroups ? ', subgroup reductions' : ', workgroup reductions';
    it(`row t of causal attention over the cache, T=${T} C=${C} NH=${NH}, for several t from one dispatch${how}`, async () => {
      const gpu = await getTestGpu();
      if (subgroups && !(gpu.features.has('subgroups') && gpu.adapter.subgroupMinSize)) {
        const t = (shape: number[], dtype?: 'u32') => poisoned(gpu, 't', shape, dtype);
        expect(() => attentionDecode(gpu, defaultKernelConfig(gpu), t([1, C]), t([T, 3 * C]), t([1], 'u32'), { nHead: NH, subgroups })).toThrow(/no subgroups/);
        return;
      }
      const seed = freshSeed();
      const rng = new Rng(seed);
      const qkv = f32(randn(rng, T * 3 * C));
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
