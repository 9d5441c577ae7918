import { it } from 'vitest';
import code from '../../../shaders/matmul.wgsl?raw';
import { getTestGpu, run, upload, poisoned } from '../testing/gpu';
import { ceilDiv, createUniform, grid1d, makeDispatch, type Dispatch } from '../gpu/dispatch';
import { matmulPlainForward, matmulForward, matmulBackward } from './matmul';
import type { Gpu } from '../gpu/device';

async function time(gpu: Gpu, d: Dispatch[], flops: number, label: string) {
  await run(gpu, d);
  let best = Infinity;
  for (let r = 0; r < 3; r++) {
    const reps = 3;
    const t0 = performance.now();
    await run(gpu, Array.from({ length: reps }, () => d).flat());
    best = Math.min(best, (performance.now() - t0) / reps);
  }
  console.log(`${label}: ${best.toFixed(1)} ms  ${(flops / best / 1e6).toFixed(2)} GFLOP/s`);
  return best;
}

it('timing', async () => {
  const gpu = await getTestGpu();
  const configs = (globalThis as any).__CFG ?? [[64, 64, 16], [64, 64, 8], [64, 64, 32], [32, 32, 16], [32, 64, 16]];
  for (const n of [256, 512]) {
    const inp = upload(gpu, 'a', [n, n], Float32Array.from({ length: n * n }, () => Math.random()));
    const w = upload(gpu, 'w', [n, n], Float32Array.from({ length: n * n }, () => Math.random()));
    const b = upload(gpu, 'b', [n], Float32Array.from({ length: n }, () => Math.random()));
    const out = poisoned(gpu, 'o', [n, n]);
    const flops = 2 * n * n * n;
    const tp = await time(gpu, [await matmulPlainForward(gpu, out, inp, w, b)], flops, `plain ${n}`);
    const tt = await time(gpu, [await matmulForward(gpu, out, inp, w, b)], flops, `tiled(default) ${n}`);
    console.log(`ratio ${n}: ${(tp / tt).toFixed(2)}`);
    for (const [BM, BN, BK] of configs) {
      const tilesN = ceilDiv(n, BN);
      const u = createUniform(gpu, 'u', [['u32', n], ['u32', n], ['u32', n], ['u32', tilesN]]);
      const d = await makeDispatch(gpu, 'x', { shader: { file: 'matmul.wgsl', code }, entryPoint: 'matmul',
        constants: { BM, BN, BK, TRANS_B: 1, HAS_BIAS: 1 } }, [out, inp, w, b, u], grid1d(gpu, ceilDiv(n, BM) * tilesN));
      await time(gpu, [d], flops, `tiled ${BM}x${BN}x${BK} ${n}`);
    }
  }
  const BT = 1024, C = 128, OC = 512;
  const x = upload(gpu, 'x', [BT, C], Float32Array.from({ length: BT * C }, () => Math.random()));
  const w = upload(gpu, 'w', [OC, C], Float32Array.from({ length: OC * C }, () => Math.random()));
  const b = upload(gpu, 'b', [OC], Float32Array.from({ length: OC }, () => Math.random()));
  const y = upload(gpu, 'y', [BT, OC], Float32Array.from({ length: BT * OC }, () => Math.random()));
  const dx = poisoned(gpu, 'dx', [BT, C]);
  const dw = poisoned(gpu, 'dw', [OC, C]);
  const db = poisoned(gpu, 'db', [OC]);
  await time(gpu, [await matmulForward(gpu, y, x, w, b)], 2 * BT * C * OC, 'gpt fwd');
  const bw = await matmulBackward(gpu, dx, dw, db, y, x, w);
  await time(gpu, bw, 4 * BT * C * OC, 'gpt bwd');
  await time(gpu, [bw[0]], 2 * BT * C * OC, 'gpt bwd dinp');
  await time(gpu, [bw[1]], 2 * BT * C * OC, 'gpt bwd dw');
  await time(gpu, [bw[2]], BT * OC, 'gpt bwd db (flop=BT*OC)');
}, 600_000);
