// The buffer ledger on a real device: owners as nested scopes, live and peak bytes, and an
// owner freeing everything it made (its kernels' uniforms included) at once.
import { describe, expect, it } from 'vitest';
import { getTestGpu } from '../testing/gpu';
import { createUniform } from './dispatch';
import { BufferArena, arenaLimitsOf } from './arena';
import { ReadbackRing } from './readback';

const STORAGE = () => GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST;

describe('buffer ledger', () => {
  it('records owner, label and bytes; a scope counts the scopes below it; destroy is idempotent', async () => {
    const gpu = await getTestGpu();
    const ledger = gpu.ledger;
    const before = ledger.liveBytes();
    const outer = gpu.scope('outer');
    const inner = outer.scope('inner');
    const a = outer.buffers.create({ label: 'a', size: 48, usage: STORAGE() });
    inner.buffers.create({ label: 'b', size: 80, usage: STORAGE() });
    expect(inner.buffers.owner.startsWith(`${outer.buffers.owner}/inner#`)).toBe(true);
    expect(ledger.entries(inner.buffers.owner)).toEqual([{ owner: inner.buffers.owner, label: 'b', bytes: 80 }]);
    expect(outer.buffers.liveBytes).toBe(128);
    expect(inner.buffers.liveBytes).toBe(80);
    expect(ledger.liveBytes()).toBe(before + 128);
    outer.buffers.destroy(a);
    outer.buffers.destroy(a); // twice: nothing more happens
    expect(outer.buffers.liveBytes).toBe(80);
    outer.buffers.destroyAll();
    expect(ledger.liveBytes(outer.buffers.owner)).toBe(0);
    expect(ledger.liveBytes()).toBe(before);
  });

  it('keeps the high-water mark until reset', async () => {
    const gpu = await getTestGpu();
    const ledger = gpu.ledger;
    const s = gpu.scope('peak');
    ledger.resetPeak();
    const base = ledger.peakBytes;
    const big = s.buffers.create({ label: 'big', size: 4096, usage: STORAGE() });
    s.buffers.destroy(big);
    s.buffers.create({ label: 'small', size: 256, usage: STORAGE() });
    expect(ledger.peakBytes).toBe(base + 4096);
    ledger.resetPeak();
    expect(ledger.peakBytes).toBe(ledger.liveBytes());
    s.buffers.destroyAll();
  });

  it('a view from scope() shares the device, pipelines and ledger; uniforms, arenas and rings are charged to it', async () => {
    const gpu = await getTestGpu();
    const view = gpu.scope('view');
    expect(view.device).toBe(gpu.device);
    expect(view.pipelines).toBe(gpu.pipelines);
    expect(view.ledger).toBe(gpu.ledger);
    expect(view.buffers).not.toBe(gpu.buffers);
    createUniform(view, 'test.params', [['u32', 1], ['f32', 2], ['u32', 3], ['u32', 4], ['u32', 5]]);
    const arena = new BufferArena('acts', arenaLimitsOf(view.device));
    arena.add('x', [3, 5]);
    arena.allocate(view);
    const ring = new ReadbackRing(view, 10, 2);
    expect(gpu.ledger.entries(view.buffers.owner).map((e) => [e.label, e.bytes])).toEqual([
      ['test.params', 32],
      ['acts', 64],
      ['readback[0]', 12],
      ['readback[1]', 12],
    ]);
    ring.destroy();
    arena.destroy();
    expect(view.buffers.liveBytes).toBe(32); // the uniform stays until its owner goes
    view.buffers.destroyAll();
    expect(view.buffers.liveBytes).toBe(0);
    expect(() => createUniform(view, 'too.many', Array.from({ length: 9 }, () => ['u32', 0] as ['u32', number]))).toThrow(/at most 8/);
  });
});
