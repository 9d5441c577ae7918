// Measuring on the device itself which large matmul tile is fastest. Every tile computes
// bit-identical results, so the tuned configuration changes only speed: plans built with the
// default before tuning finishes are slower, never different.
import type { Gpu } from '../gpu/device';
import type { Tensor } from '../gpu/tensor';
import { MATMUL_TILES, tileFits, type KernelConfig, type MatmulTile } from '../kernels/config';
import { matmulForward } from '../kernels/matmul';
import { withMatmulTile } from './defaults';

export interface TileTiming {
  tile: MatmulTile;
  /** Best of the trials, milliseconds per product. */
  ms: number;
}

export interface TunedKernelConfig {
  /** `base` with the fastest tile as its large matmul tile. */
  config: KernelConfig;
  /** Every candidate that fits the device, in MATMUL_TILES order. */
  timings: TileTiming[];
}

/**
 * Measures every large tile that fits on an n×n×n forward product (alternating trials, best
 * of each kept) and returns `base` with the fastest. Costs one pipeline compile per candidate,
 * so the worker runs it in the background on hardware adapters only (on a software adapter
 * compiling takes seconds and the candidates measure alike).
 */
export async function tuneKernelConfig(gpu: Gpu, base: KernelConfig, opts: { n?: number; trials?: number } = {}): Promise<TunedKernelConfig> {
  const n = opts.n ?? 256;
  const trials = opts.trials ?? 3;
  // The operands and every candidate's uniform, freed together when the measuring is done.
  const own = gpu.scope('tune');
  const tensor = (label: string): Tensor => {
    const buffer = own.buffers.create({ label, size: n * n * 4, usage: GPUBufferUsage.STORAGE });
    return { label, shape: [n, n], dtype: 'f32', offset: 0, buffer };
  };
  const [out, inp, weight] = [tensor('tune out'), tensor('tune inp'), tensor('tune weight')];
  try {
    const candidates = MATMUL_TILES.filter((t) => tileFits(t, gpu.limits));
    const dispatches = await Promise.all(candidates.map((tile) => matmulForward(own, base, out, inp, weight, null, { tile })));
    const best = candidates.map(() => Infinity);
    for (let r = 0; r <= trials; r++) {
      for (let i = 0; i < candidates.length; i++) {
        const enc = gpu.device.createCommandEncoder();
        const pass = enc.beginComputePass();
        const d = dispatches[i];
        pass.setPipeline(d.pipeline);
        pass.setBindGroup(0, d.bindGroup);
        pass.dispatchWorkgroups(...d.workgroups);
        pass.end();
        const t0 = performance.now();
        gpu.device.queue.submit([enc.finish()]);
        await gpu.device.queue.onSubmittedWorkDone();
        if (r > 0) best[i] = Math.min(best[i], performance.now() - t0); // round 0 warms up
      }
    }
    const timings = candidates.map((tile, i) => ({ tile, ms: best[i] }));
    const fastest = timings.reduce((a, b) => (b.ms < a.ms ? b : a));
    return { config: withMatmulTile(base, fastest.tile), timings };
  } finally {
    own.buffers.destroyAll();
  }
}
