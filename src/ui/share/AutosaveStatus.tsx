// Whether this tab's run is saved: "Saved 5 s ago", saving, off (read-only or no storage),
// a save refused as stale that went to a copy, and why storage cannot be used.
import { useEffect, useState } from 'react';
import { usePersistStore } from '../../state/persist';
import { FieldError } from '../controls/controls';
import { autosaveView } from './format';
import './share.css';

// Often enough that "Saved 5 s ago" moves on visibly; formatAgo rounds to 5 s anyway.
const TICK_MS = 5000;

export function AutosaveStatus() {
  const saving = usePersistStore((s) => s.saving);
  const lastSavedAt = usePersistStore((s) => s.lastSavedAt);
  const storageError = usePersistStore((s) => s.storageError);
  const saveNotice = usePersistStore((s) => s.saveNotice);
  const access = usePersistStore((s) => s.access);
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    setNow(Date.now());
    if (lastSavedAt === null) return;
    const timer = setInterval(() => setNow(Date.now()), TICK_MS);
    return () => clearInterval(timer);
  }, [lastSavedAt, saving]);

  const view = autosaveView({ saving, lastSavedAt, access }, now);
  return (
    <>
      <p className={`share-autosave ${view.kind === 'saved' ? '' : 'muted'}`} data-testid="autosave-status">
        <span className={`share-dot share-dot-${view.kind}`} aria-hidden="true" />
        {view.kind === 'saving' ? 'Saving…' : view.text}
      </p>
      {/* A save refused as stale went to a copy: said here, where the saving is reported. */}
      {saveNotice && (
        <p className="share-note share-save-notice" role="status" data-testid="save-notice">
          {saveNotice}
        </p>
      )}
      <FieldError message={storageError} testId="storage-error" />
    </>
  );
}

