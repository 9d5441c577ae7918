// The GPU runtime on a real device: compile errors, the arena, the readback ring, device loss.
import { describe, expect, it } from 'vitest';
import { acquireGpu } from './device';
import { ShaderCompileError } from './errors';
import { BufferArena, arenaLimitsOf } from './arena';
import { ReadbackRing } from './readback';
import { getTestGpu } from '../testing/gpu';

const GOOD = `
@group(0) @binding(0) var<storage, read_write> x: array<f32>;
@compute @workgroup_size(1) fn main() { x[0] = 1.0; }
`;

describe('pipeline cache', () => {
  it('reports a WGSL error with file, entry point and line', async () => {
    const gpu = await getTestGpu();
    const code = GOOD.replace('x[0] = 1.0;', 'x[0] = vec2f(1.0);');
    const err = await gpu.pipelines.get({ shader: { file: 'broken.wgsl', code }, entryPoint: 'main' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ShaderCompileError);
    const e = err as ShaderCompileError;
    expect(e.file).toBe('broken.wgsl');
    expect(e.entryPoint).toBe('main');
    expect(e.line).toBe(3);
    expect(e.message).toMatch(/broken\.wgsl:3:\d+ \(entry point main\)/);
    expect(e.sourceLine).toContain('vec2f(1.0)');
  });

  it('reports a missing entry point as a pipeline error', async () => {
    const gpu = await getTestGpu();
    const err = await gpu.pipelines
      .get({ shader: { file: 'good.wgsl', code: GOOD }, entryPoint: 'nope' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ShaderCompileError);
    expect((err as ShaderCompileError).entryPoint).toBe('nope');
  });

  it('builds a pipeline once per (file, entry point, constants)', async () => {
    const gpu = await getTestGpu();
    const spec = { shader: { file: 'good.wgsl', code: GOOD }, entryPoint: 'main' };
    const a = await gpu.pipelines.get(spec);
    const b = await gpu.pipelines.get(spec);
    expect(a).toBe(b);
  });
});

describe('buffer arena on a device', () => {
  it('hands out views in buffers of their own that can be written and read independently', async () => {
    const gpu = await getTestGpu();
    const arena = new BufferArena('test', arenaLimitsOf(gpu.device));
    const a = arena.add('a', [3, 5]);
    const b = arena.add('b', [7]);
    arena.allocate(gpu);
    expect(a.buffer).not.toBe(b.buffer);
    expect([a.buffer.label, b.buffer.label]).toEqual(['test[0]', 'test[1]']);
    gpu.device.queue.writeBuffer(a.buffer, a.offset, new Float32Array(15).fill(1));
    gpu.device.queue.writeBuffer(b.buffer, b.offset, new Float32Array(7).fill(2));
    const ring = new ReadbackRing(gpu, 64, 1);
    const enc = gpu.device.createCommandEncoder();
    const ta = ring.copy(enc, a.buffer, a.offset, 60);
    const tb = ring.copy(enc, b.buffer, b.offset, 28);
    gpu.device.queue.submit([enc.finish()]);
    expect(Array.from(new Float32Array(await ta.read()))).toEqual(new Array(15).fill(1));
    expect(Array.from(new Float32Array(await tb.read()))).toEqual(new Array(7).fill(2));
    arena.destroy();
    ring.destroy();
  });
});

describe('readback ring', () => {
  it('grows instead of waiting when every slot is in flight, and reuses freed slots', async () => {
    const gpu = await getTestGpu();
    const src = gpu.device.createBuffer({ size: 16, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC });
    const ring = new ReadbackRing(gpu, 16, 2);
    const tickets = [];
    for (let step = 0; step < 5; step++) {
      gpu.device.queue.writeBuffer(src, 0, new Float32Array([step, step * 2, 0, 0]));
      const enc = gpu.device.createCommandEncoder();
      tickets.push(ring.copy(enc, src, 0, 8));
      gpu.device.queue.submit([enc.finish()]);
    }
    expect(ring.capacity).toBe(5);
    const values = await Promise.all(tickets.map((t) => t.read().then((b) => Array.from(new Float32Array(b)))));
    expect(values).toEqual([0, 1, 2, 3, 4].map((s) => [s, s * 2]));
    expect(ring.inFlight).toBe(0);
    const enc = gpu.device.createCommandEncoder();
    const again = ring.copy(enc, src, 0, 8);
    gpu.device.queue.submit([enc.finish()]);
    await again.read();
    expect(ring.capacity).toBe(5);
    ring.destroy();
    src.destroy();
  });
});

describe('device loss', () => {
  it('records the loss with its reason', async () => {
    const gpu = await acquireGpu();
    gpu.destroy();
    await gpu.device.lost;
    expect(gpu.lostError?.reason).toBe('destroyed');
    expect(gpu.lostError?.message).toMatch(/device lost \(destroyed\)/);
  });
});
