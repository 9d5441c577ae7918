import { describe, expect, it } from 'vitest';
import { tabAfterKey } from './keys';
import { PREFERENCE_PREFIX, readChoice, readFlags, writePreference } from './preference';

function memoryStorage(entries: Record<string, string> = {}) {
  const map = new Map(Object.entries(entries).map(([k, v]) => [PREFERENCE_PREFIX + k, v]));
  return {
    getItem: (k: string) => map.get(k) ?? null,
    setItem: (k: string, v: string) => void map.set(k, v),
    map,
  };
}

describe('tabAfterKey', () => {
  it('moves with the arrows and wraps at both ends', () => {
    expect(tabAfterKey('ArrowRight', 0, 4)).toBe(1);
    expect(tabAfterKey('ArrowRight', 3, 4)).toBe(0);
    expect(tabAfterKey('ArrowLeft', 0, 4)).toBe(3);
    expect(tabAfterKey('ArrowLeft', 2, 4)).toBe(1);
  });
  it('goes to the ends with Home and End', () => {
    expect(tabAfterKey('Home', 2, 4)).toBe(0);
    expect(tabAfterKey('End', 0, 4)).toBe(3);
  });
  it('leaves other keys (and an empty list) alone', () => {
    expect(tabAfterKey('Enter', 1, 4)).toBeNull();
    expect(tabAfterKey('ArrowDown', 1, 4)).toBeNull();
    expect(tabAfterKey('ArrowRight', 0, 0)).toBeNull();
  });
});

describe('readChoice', () => {
  const tabs = ['playground', 'lessons', 'share'] as const;
  it('returns a stored value that is allowed', () => {
    expect(readChoice(memoryStorage({ tab: 'share' }), 'tab', tabs, 'playground')).toBe('share');
  });
  it('falls back on a missing, unknown or unreadable value', () => {
    expect(readChoice(memoryStorage(), 'tab', tabs, 'playground')).toBe('playground');
    expect(readChoice(memoryStorage({ tab: 'profiler' }), 'tab', tabs, 'playground')).toBe('playground');
    expect(readChoice(null, 'tab', tabs, 'lessons')).toBe('lessons');
    const throwing = {
      getItem: () => {
        throw new Error('SecurityError');
      },
    };
    expect(readChoice(throwing, 'tab', tabs, 'playground')).toBe('playground');
  });
});

describe('readFlags', () => {
  const defaults = { data: false, model: true };
  it('takes each stored boolean of a known key', () => {
    expect(readFlags(memoryStorage({ drawers: '{"data":true,"model":false,"other":true}' }), 'drawers', defaults)).toEqual({ data: true, model: false });
  });
  it('keeps the defaults for anything else', () => {
    expect(readFlags(memoryStorage({ drawers: '{"data":"yes"}' }), 'drawers', defaults)).toEqual(defaults);
    expect(readFlags(memoryStorage({ drawers: 'not json' }), 'drawers', defaults)).toEqual(defaults);
    expect(readFlags(memoryStorage({ drawers: '[true]' }), 'drawers', defaults)).toEqual(defaults);
    expect(readFlags(null, 'drawers', defaults)).toEqual(defaults);
  });
});

describe('writePreference', () => {
  it('stores under the prefix and ignores a storage that refuses', () => {
    const s = memoryStorage();
    writePreference(s, 'tab', 'share');
    expect(s.map.get(`${PREFERENCE_PREFIX}tab`)).toBe('share');
    const full = {
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    expect(() => writePreference(full, 'tab', 'share')).not.toThrow();
    expect(() => writePreference(null, 'tab', 'share')).not.toThrow();
  });
});
