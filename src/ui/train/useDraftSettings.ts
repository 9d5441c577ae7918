// The settings as typed, before they reach the store. A value that fails its check stays in
// the field with a message and is never sent (a negative learning rate would reach a running
// model). A valid change to a live setting waits until typing pauses, so "0.001" typed
// mid-run is one learning-rate change (one chart marker), not "0", then "0.001".
import { useCallback, useEffect, useRef, useState } from 'react';
import type { TrainSettings } from '../../core/settings';
import { checkField, checkFields, FIELD_BY_KEY, type TrainFieldKey } from './trainFields';

export const LIVE_COMMIT_DELAY_MS = 500;

type Values = Pick<TrainSettings, TrainFieldKey>;

export function useDraftSettings(train: TrainSettings, setTrain: (changes: Partial<TrainSettings>) => void) {
  const [drafts, setDrafts] = useState<Partial<Values>>({});
  const latest = useRef({ train, setTrain });
  latest.current = { train, setTrain };
  const pending = useRef(new Map<TrainFieldKey, number>());
  const timers = useRef(new Map<TrainFieldKey, ReturnType<typeof setTimeout>>());

  const dropDraft = (key: TrainFieldKey) =>
    setDrafts((d) => {
      const next = { ...d };
      delete next[key];
      return next;
    });

  const commit = useCallback((key: TrainFieldKey) => {
    clearTimeout(timers.current.get(key));
    timers.current.delete(key);
    const v = pending.current.get(key);
    if (v === undefined) return;
    pending.current.delete(key);
    // An unchanged value is not sent: a repeated learning rate would add a chart marker.
    if (latest.current.train[key] !== v) latest.current.setTrain({ [key]: v });
    dropDraft(key);
  }, []);

  const flush = useCallback(() => {
    for (const key of [...pending.current.keys()]) commit(key);
  }, [commit]);

  const change = useCallback(
    (key: TrainFieldKey, v: number) => {
      const spec = FIELD_BY_KEY[key];
      setDrafts((d) => ({ ...d, [key]: v }));
      clearTimeout(timers.current.get(key));
      pending.current.delete(key);
      if (checkField(spec, v)) return;
      pending.current.set(key, v);
      if (!spec.live) commit(key);
      else if (!spec.waitForBlur) timers.current.set(key, setTimeout(() => commit(key), LIVE_COMMIT_DELAY_MS));
    },
    [commit],
  );

  // Leaving the page section must not lose a change still waiting for its delay.
  useEffect(() => flush, [flush]);

  const values: Values = { ...train, ...drafts };
  return { values, errors: checkFields(values), change, flush };
}
