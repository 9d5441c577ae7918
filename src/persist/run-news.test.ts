import { describe, expect, it } from 'vitest';
import { parseRunNews } from './run-news';
import { rememberTabRun, tabRunId } from './tab-memory';

describe('parseRunNews', () => {
  it('accepts each kind of news', () => {
    expect(parseRunNews({ from: 't', news: { kind: 'saved', runId: 'r', revision: 4 } })).toEqual({ from: 't', news: { kind: 'saved', runId: 'r', revision: 4 } });
    expect(parseRunNews({ from: 't', news: { kind: 'renamed', runId: 'r', name: 'New' } })?.news).toEqual({ kind: 'renamed', runId: 'r', name: 'New' });
    for (const kind of ['opened', 'released', 'taken-over', 'deleted'] as const) {
      expect(parseRunNews({ from: 't', news: { kind, runId: 'r', extra: 1 } })?.news).toEqual({ kind, runId: 'r' });
    }
  });

  it('ignores what is not news (other versions, other senders, damage)', () => {
    for (const bad of [
      null,
      'saved',
      { news: { kind: 'saved', runId: 'r', revision: 1 } },
      { from: 't' },
      { from: 't', news: { kind: 'exploded', runId: 'r' } },
      { from: 't', news: { kind: 'deleted', runId: '' } },
      { from: 't', news: { kind: 'deleted', runId: 5 } },
      { from: 't', news: { kind: 'saved', runId: 'r', revision: 0 } },
      { from: 't', news: { kind: 'saved', runId: 'r', revision: 1.5 } },
      { from: 't', news: { kind: 'renamed', runId: 'r' } },
    ]) {
      expect(parseRunNews(bad)).toBeNull();
    }
  });
});

describe('tab memory', () => {
  function fakeStorage(): Storage {
    const m = new Map<string, string>();
    return {
      getItem: (k: string) => m.get(k) ?? null,
      setItem: (k: string, v: string) => void m.set(k, v),
      removeItem: (k: string) => void m.delete(k),
      clear: () => m.clear(),
      key: () => null,
      get length() {
        return m.size;
      },
    };
  }

  it('remembers and forgets this tab’s run', () => {
    const s = fakeStorage();
    expect(tabRunId(s)).toBeNull();
    rememberTabRun('run-1', s);
    expect(tabRunId(s)).toBe('run-1');
    rememberTabRun(null, s);
    expect(tabRunId(s)).toBeNull();
  });

  it('works without storage, and when storage throws', () => {
    expect(tabRunId(null)).toBeNull();
    rememberTabRun('x', null);
    const throwing = { getItem: () => { throw new DOMException('blocked', 'SecurityError'); }, setItem: () => { throw new DOMException('full', 'QuotaExceededError'); } } as unknown as Storage;
    expect(tabRunId(throwing)).toBeNull();
    expect(() => rememberTabRun('x', throwing)).not.toThrow();
  });
});
