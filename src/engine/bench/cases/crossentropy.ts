// Cross-entropy forward/backward (and the mean loss) at two sizes of a small GPT, reported as
// GB/s of the bytes the operation must move at least (logits read once, outputs written once).
import type { Gpu } from '../../gpu/device';
import { crossentropyBackward, crossentropyForward, crossentropyMean } from '../../kernels/crossentropy';
import { randint, randn } from '../../testing/random';
import { upload } from '../../testing/gpu';
import { Rng } from '../../../core/rng';
import type { BenchCase } from '../types';

const SIZES = [
  { BT: 1024, V: 65 }, // char-level
  { BT: 2048, V: 2048 }, // small BPE vocabulary
];

function inputs(gpu: Gpu, BT: number, V: number, seed: number) {
  const rng = new Rng(seed);
  return [
    upload(gpu, 'logits', [BT, V], randn(rng, BT * V, 2)),
    upload(gpu, 'targets', [BT], randint(rng, BT, V), 'u32'),
  ];
}

/**
 * Forward and backward over (BT, V) logits: the device's default, or with the row merge
 * forced to the workgroup tree (`… tree`), the baseline of the default, which merges with
 * subgroups when the device has them.
 */
export function crossentropyCases(BT: number, V: number, byDefault = true): BenchCase[] {
  const size = `BT${BT}xV${V}`;
  const opts = byDefault ? {} : { subgroups: false };
  const name = (k: string) => (byDefault ? k : `${k} tree`);
  const baseline = (k: string) => (byDefault ? `${k} tree ${size}` : undefined);
  return [
    {
      kernel: name('crossentropy_forward'),
      size,
      baseline: baseline('crossentropy_forward'),
      async setup(gpu, kernelConfig) {
        const tensors = [...inputs(gpu, BT, V, 1), upload(gpu, 'losses', [BT], new Float32Array(BT))];
        const [logits, targets, losses] = tensors;
        const d = await crossentropyForward(gpu, kernelConfig, losses, logits, targets, opts);
        return { dispatches: [d], bytes: 4 * (BT * V + 2 * BT), dispose: () => tensors.forEach((t) => t.buffer.destroy()) };
      },
    },
    {
      kernel: name('crossentropy_backward'),
      size,
      baseline: baseline('crossentropy_backward'),
      async setup(gpu, kernelConfig) {
        const tensors = [...inputs(gpu, BT, V, 2), upload(gpu, 'dlogits', [BT, V], new Float32Array(BT * V))];
        const [logits, targets, dlogits] = tensors;
        const d = await crossentropyBackward(gpu, kernelConfig, dlogits, logits, targets, 1 / BT, opts);
        // logits and targets read, dlogits written (the kernel itself reads the logits twice)
        return { dispatches: [d], bytes: 4 * (2 * BT * V + BT), dispose: () => tensors.forEach((t) => t.buffer.destroy()) };
      },
    },
  ];
}

export const cases: BenchCase[] = SIZES.flatMap(({ BT, V }): BenchCase[] => [
  ...crossentropyCases(BT, V, true),
  ...crossentropyCases(BT, V, false),
  {
    kernel: 'crossentropy_mean',
    size: `BT${BT}`,
    async setup(gpu, kernelConfig) {
      const tensors = [upload(gpu, 'losses', [BT], randn(new Rng(3), BT)), upload(gpu, 'mean', [1], [0])];
      const d = await crossentropyMean(gpu, kernelConfig, tensors[1], tensors[0]);
      return { dispatches: [d], bytes: 4 * (BT + 1), dispose: () => tensors.forEach((t) => t.buffer.destroy()) };
    },
  },
]);
