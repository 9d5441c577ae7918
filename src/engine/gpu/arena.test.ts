import { describe, expect, it } from 'vitest';
import { BufferArena } from './arena';

// GPUBufferUsage is a browser global; the plan does not need real flags.
const usage = 0;

describe('BufferArena planning', () => {
  it('aligns every view to the storage offset alignment', () => {
    const arena = new BufferArena('acts', { alignment: 256, maxBufferSize: 1 << 20, maxBindingSize: 1 << 20 }, usage);
    const a = arena.add('a', [3, 7]); // 84 bytes
    const b = arena.add('b', [5]);
    const c = arena.add('c', [64, 4]); // 1024 bytes
    expect(a.offset).toBe(0);
    expect(b.offset).toBe(256);
    expect(c.offset).toBe(512);
    expect(arena.bytes).toBe(512 + 1024);
  });

  it('spills into a new buffer when one would exceed maxBufferSize, never splitting a tensor', () => {
    const arena = new BufferArena('acts', { alignment: 256, maxBufferSize: 4096, maxBindingSize: 4096 }, usage);
    arena.add('a', [768]); // 3072 bytes
    const b = arena.add('b', [512]); // 2048: does not fit after a
    expect(b.offset).toBe(0);
    expect(arena.bytes).toBe(3072 + 2048);
  });

  it('refuses a tensor larger than one binding, naming it', () => {
    const arena = new BufferArena('acts', { alignment: 256, maxBufferSize: 1 << 20, maxBindingSize: 1024 }, usage);
    expect(() => arena.add('logits', [16, 64, 65])).toThrow(/logits needs 266240 bytes/);
  });

  it('a whole arena refuses to outgrow one binding', () => {
    const arena = new BufferArena('params', { alignment: 256, maxBufferSize: 1 << 20, maxBindingSize: 2048 }, usage, { whole: true });
    arena.add('a', [400]);
    expect(() => arena.add('b', [400])).toThrow(/exceeds one buffer binding/);
  });
});
