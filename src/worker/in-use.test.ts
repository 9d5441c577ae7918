import { describe, expect, it } from 'vitest';
import { InUse } from './in-use';

describe('the uses of a model', () => {
  it('settles only after every use under way, failed ones included, and uses started meanwhile', async () => {
    const inUse = new InUse();
    const order: string[] = [];
    let finishA!: () => void;
    let failB!: (e: Error) => void;
    const a = inUse.track(() => new Promise<void>((r) => (finishA = r)).then(() => void order.push('a')));
    const b = inUse.track(() => new Promise<void>((_, j) => (failB = j)));
    b.catch(() => order.push('b failed'));
    const settled = inUse.settled().then(() => order.push('settled'));
    let finishC!: () => void;
    failB(new Error('no'));
    await Promise.resolve();
    const c = inUse.track(() => new Promise<void>((r) => (finishC = r)).then(() => void order.push('c')));
    finishA();
    await a;
    await new Promise((r) => setTimeout(r, 0));
    expect(order).not.toContain('settled'); // c is still under way
    finishC();
    await c;
    await settled;
    expect(order).toEqual(['b failed', 'a', 'c', 'settled']);
  });

  it('settles at once with nothing under way', async () => {
    await expect(new InUse().settled()).resolves.toBeUndefined();
  });
});
