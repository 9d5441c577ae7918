// Layout choices that a reload should keep (the tab a user was on, which drawers are open),
// kept in localStorage. A value from an older version or another app is ignored, and a
// browser that refuses storage (private mode, a sandboxed frame) just forgets them.

export const PREFERENCE_PREFIX = 'gpt-playground:';

/** The page's localStorage, or null where reading it throws (storage blocked). */
export function layoutStorage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

/** The stored choice when it is one of `allowed`, else `fallback`. */
export function readChoice<T extends string>(storage: Pick<Storage, 'getItem'> | null, key: string, allowed: readonly T[], fallback: T): T {
  let raw: string | null = null;
  try {
    raw = storage?.getItem(PREFERENCE_PREFIX + key) ?? null;
  } catch {
    return fallback;
  }
  return raw !== null && (allowed as readonly string[]).includes(raw) ? (raw as T) : fallback;
}

/** On/off flags: each stored boolean for a known key, the default for the rest. */
export function readFlags<K extends string>(storage: Pick<Storage, 'getItem'> | null, key: string, defaults: Record<K, boolean>): Record<K, boolean> {
  const out = { ...defaults };
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(storage?.getItem(PREFERENCE_PREFIX + key) ?? 'null');
  } catch {
    return out;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return out;
  for (const k of Object.keys(defaults) as K[]) {
    const v = (parsed as Record<string, unknown>)[k];
    if (typeof v === 'boolean') out[k] = v;
  }
  return out;
}

/** Stores a choice; a full or blocked storage is not an error worth telling anyone about. */
export function writePreference(storage: Pick<Storage, 'setItem'> | null, key: string, value: string): void {
  try {
    storage?.setItem(PREFERENCE_PREFIX + key, value);
  } catch {
    // The choice lasts until the reload instead.
  }
}
