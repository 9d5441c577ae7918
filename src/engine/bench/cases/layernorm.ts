// Benchmark cases for layernorm.wgsl at sizes of a small GPT's activations (B·T rows of C).
import type { BenchCase } from '../types';
import type { Gpu } from '../../gpu/device';
import { BufferArena, arenaLimitsOf } from '../../gpu/arena';
import { numel, type Tensor } from '../../gpu/tensor';
import { Rng } from '../../../core/rng';
import { layernormBackward, layernormForward } from '../../kernels/layernorm';

const SIZES: [rows: number, C: number][] = [
  [1024, 128],
  [2048, 384],
];

function fill(gpu: Gpu, t: Tensor, rng: Rng, lo: number, hi: number): void {
  const data = new Float32Array(numel(t.shape));
  for (let i = 0; i < data.length; i++) data[i] = rng.uniform(lo, hi);
  gpu.device.queue.writeBuffer(t.buffer, t.offset, data);
}

function tensors(gpu: Gpu, rows: number, C: number) {
  // separate: a dispatch may not bind one buffer as both read-only and writable storage
  const arena = new BufferArena('bench.layernorm', arenaLimitsOf(gpu.device));
  const add = (label: string, shape: number[]) => arena.add(label, shape);
  const t = {
    x: add('x', [rows, C]),
    y: add('y', [rows, C]),
    dy: add('dy', [rows, C]),
    dx: add('dx', [rows, C]),
    mean: add('mean', [rows]),
    rstd: add('rstd', [rows]),
    w: add('w', [C]),
    b: add('b', [C]),
    dw: add('dw', [C]),
    db: add('db', [C]),
  };
  arena.allocate(gpu);
  const rng = new Rng(1);
  for (const k of ['x', 'dy', 'dx', 'w', 'b', 'dw', 'db'] as const) fill(gpu, t[k], rng, -1, 1);
  fill(gpu, t.mean, rng, -0.1, 0.1);
  fill(gpu, t.rstd, rng, 0.5, 2);
  return { dispose: () => arena.destroy(), t };
}

// Bytes are the traffic a kernel cannot avoid (each tensor read or written once), so that
// implementations which re-read a row are charged for it in their GB/s.
/**
 * Forward and backward on (rows, C) with the device's row sums, or with them forced through
 * workgroup memory (`… workgroup sums`): the baseline of the default, which uses subgroupAdd
 * when the device has subgroups.
 */
export function layernormCases(rows: number, C: number, byDefault = true): BenchCase[] {
  const size = `BT${rows}xC${C}`;
  const n = rows * C;
  const opts = byDefault ? {} : { subgroups: false };
  const name = (k: string) => (byDefault ? k : `${k} workgroup sums`);
  const baseline = (k: string) => (byDefault ? `${k} workgroup sums ${size}` : undefined);
  return [
    {
      kernel: name('layernorm_forward'),
      size,
      baseline: baseline('layernorm_forward'),
      async setup(gpu, kernelConfig) {
        const { dispose, t } = tensors(gpu, rows, C);
        const d = await layernormForward(gpu, kernelConfig, t.y, t.mean, t.rstd, t.x, t.w, t.b, opts);
        // read x, w, b; write y, mean, rstd
        return { dispatches: [d], bytes: 4 * (2 * n + 2 * C + 2 * rows), dispose };
      },
    },
    {
      kernel: name('layernorm_backward'),
      size,
      baseline: baseline('layernorm_backward'),
      async setup(gpu, kernelConfig) {
        const { dispose, t } = tensors(gpu, rows, C);
        // dinp accumulated, as the residual stream of the model uses it
        const ds = await layernormBackward(gpu, kernelConfig, t.dx, t.dw, t.db, t.dy, t.x, t.w, t.mean, t.rstd, { accumulateDinp: true, ...opts });
        // read dy, x, dx, w, mean, rstd; write dx; read and write dw, db
        return { dispatches: ds, bytes: 4 * (4 * n + 5 * C + 2 * rows), dispose };
      },
    },
  ];
}

export const cases: BenchCase[] = SIZES.flatMap(([rows, C]) => [true, false].flatMap((byDefault) => layernormCases(rows, C, byDefault)));
