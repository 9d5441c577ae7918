// Encoder forward/backward at two sizes of a small GPT, reported as GB/s of the bytes the
// operation must move at least (each tensor read or written once), so that a faster version
// of a kernel shows up as a higher figure for the same case.
import type { Gpu } from '../../gpu/device';
import type { Tensor } from '../../gpu/tensor';
import { buildTokenBuckets } from '../../kernels/buckets';
import { encoderBackward, encoderForward, type PositionEncoding } from '../../kernels/encoder';
import { randint, randn } from '../../testing/random';
import { upload } from '../../testing/gpu';
import { Rng } from '../../../core/rng';
import type { BenchCase } from '../types';

const SIZES = [
  { B: 8, T: 128, C: 128, V: 65 }, // char-level, B·T = 1024
  { B: 8, T: 256, C: 256, V: 2048 }, // small BPE vocabulary, B·T = 2048
];

const sizeLabel = (s: (typeof SIZES)[number]): string => `BT${s.B * s.T}xC${s.C}xV${s.V}`;

function forwardCase(size: (typeof SIZES)[number], positions: PositionEncoding): BenchCase {
  const { B, T, C, V } = size;
  return {
    kernel: `encoder_forward_${positions}`,
    size: sizeLabel(size),
    async setup(gpu: Gpu) {
      const rng = new Rng(1);
      const learned = positions === 'learned';
      const tensors: Tensor[] = [
        upload(gpu, 'out', [B, T, C], new Float32Array(B * T * C)),
        upload(gpu, 'tokens', [B, T], randint(rng, B * T, V), 'u32'),
        upload(gpu, 'wte', [V, C], randn(rng, V * C, 0.02)),
      ];
      const wpe = learned ? upload(gpu, 'wpe', [T, C], randn(rng, T * C, 0.02)) : null;
      if (wpe) tensors.push(wpe);
      const [out, tokens, wte] = tensors;
      const d = await encoderForward(gpu, out, tokens, wte, wpe, { positions });
      // tokens, the gathered wte rows, the position table once, the output
      const bytes = 4 * (B * T + B * T * C + (learned ? T * C : 0) + B * T * C);
      return { dispatches: [d], bytes, dispose: () => tensors.forEach((t) => t.buffer.destroy()) };
    },
  };
}

function backwardCase(size: (typeof SIZES)[number]): BenchCase {
  const { B, T, C, V } = size;
  return {
    kernel: 'encoder_backward_learned',
    size: sizeLabel(size),
    async setup(gpu: Gpu) {
      const rng = new Rng(2);
      const tokens = randint(rng, B * T, V);
      const { offsets, positions } = buildTokenBuckets(tokens, V);
      const tensors = [
        upload(gpu, 'dwte', [V, C], new Float32Array(V * C)),
        upload(gpu, 'dwpe', [T, C], new Float32Array(T * C)),
        upload(gpu, 'dout', [B, T, C], randn(rng, B * T * C)),
        upload(gpu, 'offsets', [V + 1], offsets, 'u32'),
        upload(gpu, 'positions', [B * T], positions, 'u32'),
      ];
      const [dwte, dwpe, dout, off, pos] = tensors;
      const dispatches = await encoderBackward(gpu, dwte, dwpe, dout, off, pos, { positions: 'learned' });
      let touchedRows = 0;
      for (let v = 0; v < V; v++) if (offsets[v + 1] > offsets[v]) touchedRows++;
      // buckets, dout once, read-modify-write of the touched dwte rows and of dwpe's T rows
      const bytes = 4 * (V + 1 + B * T + B * T * C + 2 * touchedRows * C + 2 * T * C);
      return { dispatches, bytes, dispose: () => tensors.forEach((t) => t.buffer.destroy()) };
    },
  };
}

export const cases: BenchCase[] = SIZES.flatMap((s) => [
  forwardCase(s, 'learned'),
  forwardCase(s, 'sinusoidal'),
  backwardCase(s),
]);
