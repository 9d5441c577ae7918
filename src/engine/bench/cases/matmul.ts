// Linear layers. Sizes are `${BT}x${C}x${OC}` (rows × inputs × outputs); the square ones
// compare the tiled forward with the plain one-output-per-invocation baseline.
import { matmulBackward, matmulForward, matmulPlainForward, type MatmulForwardOptions } from '../../kernels/matmul';
import { MATMUL_TILES, type KernelConfig } from '../../kernels/config';
import { createTensor } from '../../testing/gpu';
import type { Gpu } from '../../gpu/device';
import type { Dispatch } from '../../gpu/dispatch';
import type { Tensor } from '../../gpu/tensor';
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

/** One forward product: the tiled kernel (with the device's configuration and `opts`) or the plain one. */
type Forward = (gpu: Gpu, kernelConfig: KernelConfig, l: Linear) => Promise<Dispatch>;

const tiled = (opts: MatmulForwardOptions = {}): Forward => (gpu, kc, l) => matmulForward(gpu, kc, l.out, l.inp, l.weight, l.bias, opts);
const plain: Forward = (gpu, _kc, l) => matmulPlainForward(gpu, l.out, l.inp, l.weight, l.bias);

function forwardCase(kernel: string, forward: Forward, BT: number, C: number, OC: number, baseline?: string): BenchCase {
  return {
    kernel,
    size: `${BT}x${C}x${OC}`,
    baseline,
    async setup(gpu, kernelConfig): Promise<BenchSetup> {
      const l = linear(gpu, BT, C, OC);
      return {
        dispatches: [await forward(gpu, kernelConfig, l)],
        flops: 2 * BT * C * OC,
        dispose: destroy(l.all),
      };
    },
  };
}

const squares = [256, 512].flatMap((n) => {
  const baseline = forwardCase('matmul_plain', plain, n, n, n);
  return [baseline, forwardCase('matmul_forward', tiled(), n, n, n, caseName(baseline))];
});

/** The tiled forward with the device's configuration: (BT, C) · (OC, C)ᵀ + bias. */
export const matmulForwardCase = (BT: number, C: number, OC: number): BenchCase => forwardCase('matmul_forward', tiled(), BT, C, OC);

/** A linear layer's backward: dinp, dweight and dbias from dout. */
export function matmulBackwardCase(BT: number, C: number, OC: number): BenchCase {
  return {
    kernel: 'matmul_backward',
    size: `${BT}x${C}x${OC}`,
    async setup(gpu, kernelConfig): Promise<BenchSetup> {
      const l = linear(gpu, BT, C, OC);
      const g = linear(gpu, BT, C, OC, 'd');
      return {
        dispatches: await matmulBackward(gpu, kernelConfig, g.inp, g.weight, g.bias, g.out, l.inp, l.weight),
        // dinp and dweight are one BT·C·OC product each; dbias adds BT·OC.
        flops: 4 * BT * C * OC + BT * OC,
        dispose: destroy([...l.all, ...g.all]),
      };
    },
  };
}

// A GPT MLP's first layer at B·T = 1024, C = 128 (OC = 4C).
const [BT, C, OC] = [1024, 128, 512];

// Every tile candidate at 512³ against the device's default tile (engine/tune/defaults.ts); a
// case whose tile does not fit the device fails to build and is reported as such.
const tiles = MATMUL_TILES.map((tile) => forwardCase(`matmul_tile ${tile.BM}x${tile.BN}x${tile.BK}`, tiled({ tile }), 512, 512, 512,
  'matmul_forward 512x512x512'));

// One decoded token through an MLP layer: matmul_rows.
const decode = forwardCase('matmul_rows', tiled(), 1, C, OC);

export const cases: BenchCase[] = [...squares, ...tiles, matmulForwardCase(BT, C, OC), matmulBackwardCase(BT, C, OC), decode];
// A small product (one sequence of 32 through a C=32 model's qkv layer): the per-shape
// choice (config.ts, tileForShape: a smaller tile so that enough workgroups run) against
// forcing the large 64×64 tile.
const smallLarge = forwardCase('matmul_forward large tile', tiled({ tile: { BM: 64, BN: 64, BK: 16, RM: 8, RN: 8 } }), 32, 32, 96);
cases.push(smallLarge, forwardCase('matmul_forward', tiled(), 32, 32, 96, caseName(smallLarge)));
