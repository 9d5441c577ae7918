// The pipeline cache on a real device: builds requested together run side by side, or one at
// a time with `serial` (the benchmark's before); a failed build rejects with the kernel's
// name and does not hold up the ones after it.
import { describe, expect, it } from 'vitest';
import { acquireGpu } from './device';
import { ShaderCompileError } from './errors';
import type { PipelineSpec } from './pipelines';

const spec = (entryPoint: string, body: string): PipelineSpec => ({
  shader: {
    file: `test-${entryPoint}.wgsl`,
    code: `@group(0) @binding(0) var<storage, read_write> x: array<f32>;\n@compute @workgroup_size(1) fn ${entryPoint}() { ${body} }`,
    parts: [],
  },
  entryPoint,
});

/** Builds three pipelines requested at once (the middle one broken); returns how many builds overlapped at most. */
async function buildThree(serialPipelines: boolean): Promise<{ overlap: number; results: PromiseSettledResult<GPUComputePipeline>[] }> {
  const gpu = await acquireGpu({ serialPipelines });
  try {
    const device = gpu.device;
    const create = device.createComputePipelineAsync.bind(device);
    let inFlight = 0;
    let overlap = 0;
    // Counted on the device's own method: the calls still go to WebGPU.
    device.createComputePipelineAsync = (d: GPUComputePipelineDescriptor) => {
      inFlight++;
      overlap = Math.max(overlap, inFlight);
      const p = create(d);
      void p.then(() => inFlight--, () => inFlight--);
      return p;
    };
    const results = await Promise.allSettled([
      gpu.pipelines.get(spec('a', 'x[0] = 1.0;')),
      gpu.pipelines.get(spec('b', 'x[0] = undefined_name;')),
      gpu.pipelines.get(spec('c', 'x[0] = 2.0;')),
    ]);
    return { overlap, results };
  } finally {
    gpu.destroy();
  }
}

describe('pipeline cache', () => {
  for (const serial of [false, true]) {
    it(serial ? 'serial: one build at a time, a failure does not stop the next' : 'builds requested together run side by side', async () => {
      const { overlap, results } = await buildThree(serial);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      const failed = results[1] as PromiseRejectedResult;
      expect(failed.reason).toBeInstanceOf(ShaderCompileError);
      expect(String(failed.reason.message)).toContain('test-b.wgsl');
      if (serial) expect(overlap).toBe(1);
      else expect(overlap).toBeGreaterThan(1);
    });
  }
});
