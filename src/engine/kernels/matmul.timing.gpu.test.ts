import { it } from 'vitest';
import code from '../../../shaders/matmul.wgsl?raw';
import { getTestGpu, run, upload, poisoned } from '../testing/gpu';
import { ceilDiv, createUniform, grid1d, makeDispatch, type Dispatch } from '../gpu/dispatch';
import { matmulPlainForward, matmulBackward, matmulForward } from './matmul';
import type { Gpu } from '../gpu/device';

const CFGS: number[][] = [[64, 64, 16], [64, 64, 32], [32, 64, 16], [32, 32, 16], [64, 64, 8]];
const ROUNDS = 3;

async function bench(gpu: Gpu, cands: [string, Dispatch[], number][]) {
  const best = cands.map(() => Infinity);
  for (const c of cands) await run(gpu, c[1]);
  for (let r = 0; r < ROUNDS; r++) {
    for (let i = 0; i < cands.length; i++) {
      const t0 = performance.now();
      await run(gpu, cands[i][1]);
      best[i] = Math.min(best[i], performance.now() - t0);
    }
  }
  const lines = cands.map((c, i) => `${c[0]}: ${best[i].toFixed(1)} ms ${(c[2] / best[i] / 1e6).toFixed(2)} GFLOP/s x${(best[0] / best[i]).toFixed(2)}`);
  console.log(lines.join('\n'));
}

it('timing', async () => {
  const gpu = await getTestGpu();
  for (const n of [256, 512]) {
    const inp = upload(gpu, 'a', [n, n], Float32Array.from({ length: n * n }, () => Math.random()));
    const w = upload(gpu, 'w', [n, n], Float32Array.from({ length: n * n }, () => Math.random()));
    const b = upload(gpu, 'b', [n], Float32Array.from({ length: n }, () => Math.random()));
    const out = poisoned(gpu, 'o', [n, n]);
    const flops = 2 * n * n * n;
    const cands: [string, Dispatch[], number][] = [[`plain ${n}`, [await matmulPlainForward(gpu, out, inp, w, b)], flops]];
    for (const [BM, BN, BK] of CFGS) {
      const tilesN = ceilDiv(n, BN);
      const u = createUniform(gpu, 'u', [['u32', n], ['u32', n], ['u32', n], ['u32', tilesN]]);
      const d = await makeDispatch(gpu, 'x', { shader: { file: 'matmul.wgsl', code }, entryPoint: 'matmul',
        constants: { BM, BN, BK, TRANS_B: 1, HAS_BIAS: 1 } }, [out, inp, w, b, u], grid1d(gpu, ceilDiv(n, BM) * tilesN));
      cands.push([`tiled ${BM}x${BN}x${BK} ${n}`, [d], flops]);
    }
    await bench(gpu, cands);
  }
  const BT = 1024, C = 128, OC = 512;
  const x = upload(gpu, 'x', [BT, C], Float32Array.from({ length: BT * C }, () => Math.random()));
  const w = upload(gpu, 'w', [OC, C], Float32Array.from({ length: OC * C }, () => Math.random()));
  const b = upload(gpu, 'b', [OC], Float32Array.from({ length: OC }, () => Math.random()));
  const y = upload(gpu, 'y', [BT, OC], Float32Array.from({ length: BT * OC }, () => Math.random()));
  const dx = poisoned(gpu, 'dx', [BT, C]);
  const dw = poisoned(gpu, 'dw', [OC, C]);
  const db = poisoned(gpu, 'db', [OC]);
  const bw = await matmulBackward(gpu, dx, dw, db, y, x, w);
  const f = 2 * BT * C * OC;
  await bench(gpu, [['gpt fwd', [await matmulForward(gpu, y, x, w, b)], f], ['gpt bwd', bw, 2 * f],
    ['dinp', [bw[0]], f], ['dw', [bw[1]], f], ['db (flop=BT*OC)', [bw[2]], BT * OC]]);
}, 900_000);
