// React glue for the layout: a choice that survives a reload, and whether a media query
// matches now (re-rendering when the window crosses it).
import { useCallback, useState, useSyncExternalStore } from 'react';
import { layoutStorage, readChoice, readFlags, writePreference } from './preference';

/** A choice among `allowed`, remembered under `key` across reloads. */
export function useChoice<T extends string>(key: string, allowed: readonly T[], fallback: T): [T, (v: T) => void] {
  const [value, setValue] = useState<T>(() => readChoice(layoutStorage(), key, allowed, fallback));
  const set = useCallback(
    (v: T) => {
      setValue(v);
      writePreference(layoutStorage(), key, v);
    },
    [key],
  );
  return [value, set];
}

/** Named on/off flags (open drawers), remembered under `key` across reloads. */
export function useFlags<K extends string>(key: string, defaults: Record<K, boolean>): [Record<K, boolean>, (k: K, on: boolean) => void] {
  const [flags, setFlags] = useState<Record<K, boolean>>(() => readFlags(layoutStorage(), key, defaults));
  const set = useCallback(
    (k: K, on: boolean) =>
      setFlags((prev) => {
        if (prev[k] === on) return prev;
        const next = { ...prev, [k]: on };
        writePreference(layoutStorage(), key, JSON.stringify(next));
        return next;
      }),
    [key],
  );
  return [flags, set];
}

/** Whether `query` matches the window now. */
export function useMediaQuery(query: string): boolean {
  const subscribe = useCallback(
    (onChange: () => void) => {
      const list = window.matchMedia(query);
      list.addEventListener('change', onChange);
      return () => list.removeEventListener('change', onChange);
    },
    [query],
  );
  return useSyncExternalStore(
    subscribe,
    () => window.matchMedia(query).matches,
    () => false,
  );
}
