// Linear layers. Sizes are `${BT}x${C}x${OC}` (rows × inputs × outputs); the square ones
// compare the tiled forward with the plain one-output-per-invocation baseline.
import { matmulBackward, matmulForward, matmulPlainForward } from '../../engine/kernels/matmul';
import { MATMUL_TILES } from '../../engine/kernels/tuning';
import { createTensor } from '../../engine/testing/gpu';
import type { Gpu } from '../../engine/gpu/device';
import type { Tensor } from '../../engine/gpu/tensor';
import { caseName, type BenchCase, type BenchSetup } from '../types';

interface Linear {
  out: Tensor;
  inp: Tensor;
  weight: Tensor;
  bias: Tensor;
  all: Tensor[];
}

function linear(gpu: Gpu, BT: number, C: number, OC: number, prefix = ''): Linear {
  const t = (label: string, shape: number[]) => createTensor(gpu, prefix + label, shape);
  const out = t('out', [BT, OC]);
  const inp = t('inp', [BT, C]);
  const weight = t('weight', [OC, C]);
  const bias = t('bias', [OC]);
  return { out, inp, weight, bias, all: [out, inp, weight, bias] };
}

const destroy = (ts: Tensor[]) => () => ts.forEach((t) => t.buffer.destroy());

type Forward = typeof matmulForward;

function forwardCase(kernel: string, forward: Forward, BT: number, C: number, OC: number, baseline?: string,
  opts?: Parameters<Forward>[5]): BenchCase {
  return {
    kernel,
    size: `${BT}x${C}x${OC}`,
    baseline,
    async setup(gpu): Promise<BenchSetup> {
      const l = linear(gpu, BT, C, OC);
      return {
        dispatches: [await forward(gpu, l.out, l.inp, l.weight, l.bias, opts)],
        flops: 2 * BT * C * OC,
        dispose: destroy(l.all),
      };
    },
  };
}

const squares = [256, 512].flatMap((n) => {
  const plain = forwardCase('matmul_plain', matmulPlainForward, n, n, n);
  return [plain, forwardCase('matmul_forward', matmulForward, n, n, n, caseName(plain))];
});

// A GPT MLP's first layer at B·T = 1024, C = 128 (OC = 4C).
const [BT, C, OC] = [1024, 128, 512];

const backward: BenchCase = {
  kernel: 'matmul_backward',
  size: `${BT}x${C}x${OC}`,
  async setup(gpu): Promise<BenchSetup> {
    const l = linear(gpu, BT, C, OC);
    const g = linear(gpu, BT, C, OC, 'd');
    return {
      dispatches: await matmulBackward(gpu, g.inp, g.weight, g.bias, g.out, l.inp, l.weight),
      // dinp and dweight are one BT·C·OC product each; dbias adds BT·OC.
      flops: 4 * BT * C * OC + BT * OC,
      dispose: destroy([...l.all, ...g.all]),
    };
  },
};

// Every tile candidate at 512³ against the device's default tile (tuning.ts); a case whose
// tile does not fit the device fails to build and is reported as such.
const tiles = MATMUL_TILES.map((tile) => forwardCase(`matmul_tile ${tile.BM}x${tile.BN}x${tile.BK}`, matmulForward, 512, 512, 512,
  'matmul_forward 512x512x512', { tile }));

// One decoded token through an MLP layer: matmul_rows.
const decode = forwardCase('matmul_rows', matmulForward, 1, C, OC);

export const cases: BenchCase[] = [...squares, ...tiles, forwardCase('matmul_forward', matmulForward, BT, C, OC), backward, decode];
// A small product (one sequence of 32 through a C=32 model's qkv layer): the per-shape
// choice (tuning.ts: a smaller tile so that enough workgroups run) against forcing the large
// 64×64 tile.
const smallLarge = forwardCase('matmul_forward large tile', matmulForward, 32, 32, 96, undefined, { tile: { BM: 64, BN: 64, BK: 16, RM: 8, RN: 8 } });
cases.push(smallLarge, forwardCase('matmul_forward', matmulForward, 32, 32, 96, caseName(smallLarge)));
