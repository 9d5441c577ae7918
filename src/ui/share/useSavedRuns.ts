// The saved runs' summaries, fetched again whenever the persistence layer says the list
// changed (runsVersion: a save, a rename, a delete, here or in another tab).
import { useEffect, useState } from 'react';
import type { SavedRunRow } from '../../state/persist';
import { listRuns, usePersistStore } from '../../state/persist';
import { errorMessage } from './format';

export function useSavedRuns(): { runs: SavedRunRow[] | null; error: string | null } {
  const runsVersion = usePersistStore((s) => s.runsVersion);
  const [runs, setRuns] = useState<SavedRunRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    // Answers can come back out of order (an autosave bumps the version mid-fetch): only the
    // latest request may set state.
    let latest = true;
    listRuns().then(
      (list) => {
        if (!latest) return;
        setRuns(list);
        setError(null);
      },
      (e: unknown) => {
        if (!latest) return;
        setRuns((r) => r ?? []);
        setError(errorMessage(e));
      },
    );
    return () => {
      latest = false;
    };
  }, [runsVersion]);

  return { runs, error };
}
