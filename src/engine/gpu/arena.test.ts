import { describe, expect, it } from 'vitest';
import { BufferArena } from './arena';

// GPUBufferUsage is a browser global; the plan does not need real flags.
const usage = 0;

describe('BufferArena planning', () => {
  it('plans every tensor at the start of a buffer of its own, padded to 16 bytes', () => {
    const arena = new BufferArena('acts', { maxBindingSize: 1 << 20 }, usage);
    const a = arena.add('a', [3, 7]); // 84 bytes
    const b = arena.add('b', [64, 4]); // 1024 bytes
    expect([a.offset, b.offset]).toEqual([0, 0]);
    expect(arena.bytes).toBe(96 + 1024);
  });

  it('refuses a tensor larger than one binding, naming it', () => {
    const arena = new BufferArena('acts', { maxBindingSize: 1024 }, usage);
    expect(() => arena.add('logits', [16, 64, 65])).toThrow(/logits needs 266240 bytes/);
  });

  it('refuses an empty tensor', () => {
    const arena = new BufferArena('acts', { maxBindingSize: 1024 }, usage);
    expect(() => arena.add('nothing', [4, 0])).toThrow(/nothing is empty/);
  });
});
