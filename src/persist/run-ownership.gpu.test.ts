// Tabs taking turns, in a real browser: the per-run Web Lock (one holder; a take-over tells
// the old holder; letting go frees it) and the news channel between tabs. Two RunLocks and
// two channels in one page stand in for two tabs: locks and BroadcastChannel are per origin.
import { afterEach, describe, expect, it } from 'vitest';
import { uniqueName } from '../engine/testing/unique';
import { RunLocks, runLockName, type RunLock } from './run-locks';
import { RunNewsChannel, type RunNews } from './run-news';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

function held<L extends RunLock | null>(lock: L): L {
  if (lock) cleanups.push(() => void lock.release());
  return lock;
}

const until = async (check: () => boolean, ms = 2000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('run locks', () => {
  it('one tab holds a run; another is refused until it lets go', async () => {
    const id = uniqueName('run');
    const tabA = new RunLocks();
    const tabB = new RunLocks();
    expect(tabA.coordinated).toBe(true);
    const lost: string[] = [];
    const a = held(await tabA.tryHold(id, (r) => lost.push(r)));
    expect(a).not.toBeNull();
    expect(await tabB.tryHold(id, () => undefined)).toBeNull();
    expect(await tabB.heldRunIds()).toContain(id);
    await a!.release(); // resolves once another tab can have it
    await a!.release(); // twice is harmless
    const b = held(await tabB.tryHold(id, () => undefined));
    expect(b?.runId).toBe(id);
    expect(lost).toEqual([]); // letting go is not losing
  });

  it('waits a little for a run to come free when asked to (a reloading tab), then gives up', async () => {
    const id = uniqueName('run');
    const tabA = new RunLocks();
    const tabB = new RunLocks();
    const a = (await tabA.tryHold(id, () => undefined))!;
    const t0 = performance.now();
    expect(await tabB.tryHold(id, () => undefined, 200)).toBeNull();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(150);
    setTimeout(() => void a.release(), 100);
    const b = held(await tabB.tryHold(id, () => undefined, 2000));
    expect(b?.runId).toBe(id);
  });

  it('a take-over moves the lock and tells the old holder', async () => {
    const id = uniqueName('run');
    const lostA: string[] = [];
    const lostB: string[] = [];
    const tabA = new RunLocks();
    const tabB = new RunLocks();
    held(await tabA.tryHold(id, (r) => lostA.push(r)));
    const b = held(await tabB.takeOver(id, (r) => lostB.push(r)));
    await until(() => lostA.length > 0);
    expect(lostA).toEqual([id]);
    expect(b.runId).toBe(id);
    // B holds it now: A cannot take it back without a take-over of its own.
    expect(await tabA.tryHold(id, () => undefined)).toBeNull();
    const snapshot = await navigator.locks.query();
    expect(snapshot.held?.filter((l) => l.name === runLockName(id))).toHaveLength(1);
    expect(lostB).toEqual([]);
  });

  it('without the Web Locks API every hold succeeds and nothing is lost', async () => {
    const none = new RunLocks(null);
    expect(none.coordinated).toBe(false);
    expect(await none.tryHold('x', () => undefined)).not.toBeNull();
    expect(await none.tryHold('x', () => undefined)).not.toBeNull();
    expect(await none.heldRunIds()).toEqual(new Set());
  });
});

describe('run news', () => {
  it('reaches the other tabs, not the sender, and malformed messages are ignored', async () => {
    const name = uniqueName('runs-news-test');
    const tabA = new RunNewsChannel('tab-a', name);
    const tabB = new RunNewsChannel('tab-b', name);
    const raw = new BroadcastChannel(name);
    cleanups.push(() => [tabA, tabB].forEach((c) => c.close()), () => raw.close());
    const heardA: RunNews[] = [];
    const heardB: { news: RunNews; from: string }[] = [];
    cleanups.push(tabA.listen((n) => heardA.push(n)));
    cleanups.push(tabB.listen((news, from) => heardB.push({ news, from })));
    raw.postMessage({ from: 'tab-x', news: { kind: 'saved', runId: 'r', revision: 'two' } });
    raw.postMessage('hello');
    tabA.post({ kind: 'saved', runId: 'r1', revision: 3 });
    tabA.post({ kind: 'taken-over', runId: 'r1' });
    await until(() => heardB.length >= 2);
    expect(heardB).toEqual([
      { news: { kind: 'saved', runId: 'r1', revision: 3 }, from: 'tab-a' },
      { news: { kind: 'taken-over', runId: 'r1' }, from: 'tab-a' },
    ]);
    expect(heardA).toEqual([]);
    tabA.close();
    tabA.post({ kind: 'deleted', runId: 'r1' }); // closed: dropped, not thrown
  });
});
