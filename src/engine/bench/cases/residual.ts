import { residualForward } from '../../kernels/residual';
import { createTensor } from '../../testing/gpu';
import type { BenchCase } from '../types';

export const cases: BenchCase[] = [
  [1024, 128],
  [2048, 384],
].map(([bt, c]) => ({
  kernel: 'residual_forward',
  size: `${bt}x${c}`,
  async setup(gpu) {
    const shape = [bt, c];
    const [out, a, b] = ['out', 'a', 'b'].map((l) => createTensor(gpu, l, shape));
    return {
      dispatches: [await residualForward(gpu, out, a, b)],
      bytes: 3 * bt * c * 4,
      dispose: () => [out, a, b].forEach((t) => t.buffer.destroy()),
    };
  },
}));
