// Benchmark cases for activation.wgsl: GELU where the model applies it, on the MLP's hidden
// activations (B·T, 4·C); sizes are labelled with that shape (B·T 1024, C 128 → BT1024x4C512).
import type { BenchCase } from '../types';
import type { Gpu } from '../../gpu/device';
import { BufferArena, arenaLimitsOf } from '../../gpu/arena';
import { numel, type Tensor } from '../../gpu/tensor';
import { Rng } from '../../../core/rng';
import { geluBackward, geluForward } from '../../kernels/activation';

const SIZES: [rows: number, C: number][] = [
  [1024, 128],
  [2048, 384],
];

function fill(gpu: Gpu, t: Tensor, rng: Rng): void {
  const data = new Float32Array(numel(t.shape));
  for (let i = 0; i < data.length; i++) data[i] = rng.normal();
  gpu.device.queue.writeBuffer(t.buffer, t.offset, data);
}

function tensors(gpu: Gpu, shape: number[]) {
  // separate: a dispatch may not bind one buffer as both read-only and writable storage
  const arena = new BufferArena('bench.activation', arenaLimitsOf(gpu.device));
  const t = { x: arena.add('x', shape), y: arena.add('y', shape), dy: arena.add('dy', shape) };
  arena.allocate(gpu);
  const rng = new Rng(1);
  fill(gpu, t.x, rng);
  fill(gpu, t.dy, rng);
  return { dispose: () => arena.destroy(), t };
}

/** GELU forward and backward on (rows, 4·C), the MLP's hidden activations. */
export function geluCases(rows: number, C: number): BenchCase[] {
  const size = `BT${rows}x4C${4 * C}`;
  const shape = [rows, 4 * C];
  const n = rows * 4 * C;
  return [
    {
      kernel: 'gelu_forward',
      size,
      async setup(gpu) {
        const { dispose, t } = tensors(gpu, shape);
        // read x, write y
        return { dispatches: [await geluForward(gpu, t.y, t.x)], bytes: 8 * n, dispose };
      },
    },
    {
      kernel: 'gelu_backward',
      size,
      async setup(gpu) {
        const { dispose, t } = tensors(gpu, shape);
        // read x, dy, write dx (into y: the kernel overwrites)
        return { dispatches: [await geluBackward(gpu, t.y, t.x, t.dy)], bytes: 12 * n, dispose };
      },
    },
  ];
}

export const cases: BenchCase[] = SIZES.flatMap(([rows, C]) => geluCases(rows, C));
