import { it } from 'vitest';
import { Rng } from '../util/rng';
import { f32, randn } from '../testing/random';
import { compare } from '../testing/compare';
import { download, getTestGpu, poisoned, run, upload } from '../testing/gpu';
import * as ref from '../ref/attention';
import { attentionBackward, attentionForward, attentionProbs } from './attention';

it('error survey', async () => {
  const gpu = await getTestGpu();
  const worst: Record<string, number> = {};
  const note = (k: string, a: ArrayLike<number>, e: ArrayLike<number>, tol: { atol: number; rtol: number }) => {
    const c = compare(a, e, tol);
    worst[k] = Math.max(worst[k] ?? 0, c.maxError);
  };
  for (const s of [{ B: 3, T: 7, C: 20, NH: 2 }, { B: 2, T: 37, C: 48, NH: 3 }]) {
    for (const causal of [true, false]) {
      for (let seed = 1; seed <= 40; seed++) {
        const rng = new Rng(seed * 7919);
        const { B, T, C, NH } = s;
        const opts = { nHead: NH, causal };
        const qkv = f32(randn(rng, B * T * 3 * C));
        const out = new Float64Array(B * T * C);
        const lse = new Float64Array(B * NH * T);
        ref.attentionForward(out, lse, qkv, B, T, C, opts);
        const gOut = poisoned(gpu, 'out', [B, T, C]);
        const gLse = poisoned(gpu, 'lse', [B, NH, T]);
        const dQkv = upload(gpu, 'qkv', [B, T, 3 * C], qkv);
        const lse32 = f32(lse), out32 = f32(out);
        const probs = new Float64Array(B * NH * T * T);
        ref.attentionProbs(probs, qkv, lse32, B, T, C, opts);
        const gProbs = poisoned(gpu, 'probs', [B, NH, T, T]);
        const dout = f32(randn(rng, B * T * C));
        const dqkv = new Float64Array(B * T * 3 * C);
        const D = new Float64Array(B * NH * T);
        ref.attentionBackward(dqkv, dout, qkv, out32, lse32, D, B, T, C, opts);
        const gDqkv = poisoned(gpu, 'dqkv', [B, T, 3 * C]);
        const gD = poisoned(gpu, 'D', [B, NH, T]);
        const gLse32 = upload(gpu, 'lse32', [B, NH, T], lse32);
        await run(gpu, [
          await attentionForward(gpu, gOut, gLse, dQkv, opts),
          await attentionProbs(gpu, gProbs, dQkv, gLse32, opts),
          ...(await attentionBackward(gpu, gDqkv, upload(gpu, 'dout', [B, T, C], dout), dQkv, upload(gpu, 'o', [B, T, C], out32), gLse32, gD, opts)),
        ]);
        const abs = { atol: 1, rtol: 0 };
        const rel = { atol: 1e-30, rtol: 1 };
        note('out abs', await download(gpu, gOut), out, abs);
        note('out rel', await download(gpu, gOut), out, rel);
        note('lse abs', await download(gpu, gLse), lse, abs);
        note('probs abs', await download(gpu, gProbs), probs, abs);
        note('probs rel', await download(gpu, gProbs), probs, rel);
        note('dqkv abs', await download(gpu, gDqkv), dqkv, abs);
        note('dqkv max', dqkv.map(Math.abs), new Float64Array(dqkv.length), abs);
        note('D abs', await download(gpu, gD), D, abs);
        note('out TOL', await download(gpu, gOut), out, { atol: 2e-6, rtol: 2e-5 });
        note('lse TOL', await download(gpu, gLse), lse, { atol: 4e-6, rtol: 1e-6 });
        note('probs TOL', await download(gpu, gProbs), probs, { atol: 1e-7, rtol: 1e-5 });
        note('dqkv TOL', await download(gpu, gDqkv), dqkv, { atol: 1e-5, rtol: 1e-5 });
        note('D TOL', await download(gpu, gD), D, { atol: 1e-5, rtol: 1e-5 });
      }
    }
  }
  console.log(JSON.stringify(worst, null, 1));
});
