// The saved runs: open one, rename it in place, delete it after an inline confirmation. The
// current run is marked, and so are runs another tab has open; opening one of those asks, in
// its row, how to open it. Names are the user's text and are rendered as React text.
import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { RunConflict, SavedRunRow } from '../../state/persist';
import { deleteRun, openRun, renameRun, usePersistStore } from '../../state/persist';
import { toggleSavedComparison } from '../../state/compare-saved';
import { FieldError } from '../controls/controls';
import { ActionButton } from './ActionButton';
import { CompareToggle } from './CompareToggle';
import { RunConflictPrompt } from './RunElsewhere';
import { MAX_RUN_NAME, checkRunName, errorMessage, formatBytes, formatStep, formatUpdated, modelSummary, tokenizerSummary } from './format';
import { useSavedRuns } from './useSavedRuns';

type Op = 'open' | 'rename' | 'delete' | 'compare';
type Mode = { kind: 'view' } | { kind: 'edit'; draft: string; error: string | null } | { kind: 'confirm' };

// "Updated 5 min ago" only needs to move on now and then.
const NOW_TICK_MS = 30_000;

function useNow(every: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), every);
    return () => clearInterval(timer);
  }, [every]);
  return now;
}

interface RowProps {
  run: SavedRunRow;
  current: boolean;
  /** This tab shows the run without saving it (another tab has it). */
  readOnly: boolean;
  /** The question about this run being open in another tab, after Open. */
  conflict: RunConflict | null;
  now: number;
  mode: Mode;
  pending: Op | null;
  blocked: boolean;
  error: string | null;
  onMode: (m: Mode) => void;
  onOpen: () => void;
  onRename: (draft: string) => void;
  onDelete: () => void;
  /** Puts the run's loss curves on the chart beside the current run's, or takes them off. */
  onCompare: () => void;
  onCancel: (focusAction: Op) => void;
}

function RunRow({ run, current, readOnly, conflict, now, mode, pending, blocked, error, onMode, onOpen, onRename, onDelete, onCompare, onCancel }: RowProps) {
  const nameId = `share-run-name-${run.id}`;
  const onEditKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (mode.kind !== 'edit') return;
    if (e.key === 'Enter') {
      e.preventDefault();
      onRename(mode.draft);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      onCancel('rename');
    }
  };
  return (
    <li className={`share-run${current ? ' share-run-current' : ''}`} data-testid={`run-${run.id}`} aria-current={current || undefined}>
      <div className="share-run-head">
        {mode.kind === 'edit' ? (
          <input
            className="share-run-input"
            aria-label="Run name"
            value={mode.draft}
            maxLength={MAX_RUN_NAME * 2}
            autoFocus
            onFocus={(e) => e.currentTarget.select()}
            onChange={(e) => onMode({ kind: 'edit', draft: e.currentTarget.value, error: null })}
            onKeyDown={onEditKey}
          />
        ) : (
          <span className="share-run-name" id={nameId}>
            {run.name}
          </span>
        )}
        {current && <span className="badge ok share-run-badge">{readOnly ? 'current, read-only' : 'current'}</span>}
        {run.openElsewhere && (
          <span className="badge share-run-badge share-run-elsewhere" data-testid="open-elsewhere">
            open in another tab
          </span>
        )}
      </div>
      <p className="share-run-meta">
        <span>{formatStep(run.step)}</span>
        <span>{modelSummary(run.model)}</span>
        <span>{tokenizerSummary(run.tokenizer)}</span>
        <span>{formatBytes(run.bytes)}</span>
        {!run.hasWeights && <span>settings only</span>}
        <span>updated {formatUpdated(run.updatedAt, now)}</span>
      </p>
      <div className="share-run-actions" onKeyDown={(e) => mode.kind === 'confirm' && e.key === 'Escape' && onCancel('delete')}>
        {mode.kind === 'edit' ? (
          <>
            <ActionButton action="save" busy={pending === 'rename'} blocked={blocked} onClick={() => onRename(mode.draft)}>
              Save
            </ActionButton>
            <ActionButton action="cancel" secondary blocked={blocked} onClick={() => onCancel('rename')}>
              Cancel
            </ActionButton>
            <span className="muted share-run-keys">Enter saves, Escape cancels</span>
          </>
        ) : mode.kind === 'confirm' ? (
          <>
            <span className="share-run-confirm" id={`${nameId}-confirm`}>
              Delete ‘{run.name}’?
            </span>
            <span className="share-run-choice">
              <ActionButton action="yes" busy={pending === 'delete'} blocked={blocked} describedBy={`${nameId}-confirm`} onClick={onDelete}>
                Yes
              </ActionButton>
              <ActionButton action="no" secondary blocked={blocked} onClick={() => onCancel('delete')}>
                No
              </ActionButton>
            </span>
          </>
        ) : (
          <>
            <ActionButton action="open" busy={pending === 'open'} blocked={blocked} describedBy={nameId} onClick={onOpen}>
              Open
            </ActionButton>
            {!current && run.step > 0 && <CompareToggle runId={run.id} busy={pending === 'compare'} blocked={blocked} describedBy={nameId} onToggle={onCompare} />}
            <ActionButton action="rename" secondary blocked={blocked} describedBy={nameId} onClick={() => onMode({ kind: 'edit', draft: run.name, error: null })}>
              Rename
            </ActionButton>
            <ActionButton action="delete" secondary blocked={blocked} describedBy={nameId} onClick={() => onMode({ kind: 'confirm' })}>
              Delete
            </ActionButton>
          </>
        )}
      </div>
      <FieldError message={mode.kind === 'edit' ? mode.error : error} />
      {conflict && <RunConflictPrompt conflict={conflict} focusOnShow />}
    </li>
  );
}

export function RunsList() {
  const { runs, error } = useSavedRuns();
  const runId = usePersistStore((s) => s.runId);
  const readOnly = usePersistStore((s) => s.access === 'read-only');
  const conflict = usePersistStore((s) => (s.conflict?.origin === 'open' ? s.conflict : null));
  const storageError = usePersistStore((s) => s.storageError);
  const now = useNow(NOW_TICK_MS);
  // One row is edited or confirming at a time, and one action runs at a time.
  const [active, setActive] = useState<{ id: string; mode: Mode } | null>(null);
  const [pending, setPending] = useState<{ id: string; op: Op } | null>(null);
  const [rowError, setRowError] = useState<{ id: string; message: string } | null>(null);
  // Where keyboard focus goes after the buttons it was on disappear (row id + data-action, or the list).
  const [focusTo, setFocusTo] = useState<{ id: string; action: string } | 'list' | null>(null);
  const rootRef = useRef<HTMLDivElement>(null);
  // Checked synchronously: a second click can arrive before `pending` has re-rendered.
  const busy = useRef(false);

  useLayoutEffect(() => {
    if (!focusTo) return;
    const root = rootRef.current;
    const el = focusTo === 'list' ? root : root?.querySelector<HTMLElement>(`[data-testid="run-${CSS.escape(focusTo.id)}"] [data-action="${focusTo.action}"]`);
    el?.focus();
    setFocusTo(null);
  }, [focusTo, active]);

  // When the question in a row is answered (or cancelled), keyboard focus goes back to that
  // row's Open button instead of falling to the page: unless the user had moved elsewhere.
  const askedAbout = useRef<string | null>(null);
  useEffect(() => {
    const answered = askedAbout.current;
    askedAbout.current = conflict?.runId ?? null;
    if (!answered || conflict) return;
    const focus = document.activeElement;
    if (!focus || focus === document.body || rootRef.current?.contains(focus)) setFocusTo({ id: answered, action: 'open' });
  }, [conflict]);

  const act = async (id: string, op: Op, work: () => Promise<void>): Promise<boolean> => {
    if (busy.current) return false;
    busy.current = true;
    setPending({ id, op });
    setRowError(null);
    try {
      await work();
      return true;
    } catch (e) {
      setRowError({ id, message: errorMessage(e) });
      return false;
    } finally {
      busy.current = false;
      setPending(null);
    }
  };

  // Opening replaces the session; openRun saves what was trained since the last autosave first.
  const open = (id: string) => void act(id, 'open', () => openRun(id));

  const rename = async (run: SavedRunRow, draft: string) => {
    const checked = checkRunName(draft);
    if (!checked.ok) {
      setActive({ id: run.id, mode: { kind: 'edit', draft, error: checked.message } });
      return;
    }
    if (checked.name !== run.name && !(await act(run.id, 'rename', () => renameRun(run.id, checked.name)))) return;
    setActive(null);
    setFocusTo({ id: run.id, action: 'rename' });
  };

  const remove = async (id: string) => {
    if (!(await act(id, 'delete', () => deleteRun(id)))) return;
    setActive(null);
    setFocusTo('list');
  };

  const cancel = (id: string, action: Op) => {
    setActive(null);
    setFocusTo({ id, action });
  };

  // Moving into confirmation: its "No" is the safe default under the keyboard.
  const setMode = (id: string, mode: Mode) => {
    setRowError(null);
    setActive(mode.kind === 'view' ? null : { id, mode });
    if (mode.kind === 'confirm') setFocusTo({ id, action: 'no' });
  };

  return (
    <div className="share-runs-list" data-testid="runs-list" ref={rootRef} tabIndex={-1}>
      {/* The autosave line above may already report the same storage failure. */}
      <FieldError message={error && !storageError?.includes(error) ? error : null} testId="runs-error" />
      {runs === null ? (
        <p className="muted share-runs-empty">Loading saved runs…</p>
      ) : runs.length === 0 ? (
        <p className="muted share-runs-empty">Runs are saved here automatically while you train.</p>
      ) : (
        <ul className="share-runs">
          {runs.map((run) => (
            <RunRow
              key={run.id}
              run={run}
              current={run.id === runId}
              readOnly={readOnly}
              conflict={conflict?.runId === run.id ? conflict : null}
              now={now}
              mode={active?.id === run.id ? active.mode : { kind: 'view' }}
              pending={pending?.id === run.id ? pending.op : null}
              blocked={pending !== null}
              error={rowError?.id === run.id ? rowError.message : null}
              onMode={(m) => setMode(run.id, m)}
              onOpen={() => open(run.id)}
              onRename={(draft) => void rename(run, draft)}
              onDelete={() => void remove(run.id)}
              onCompare={() => void act(run.id, 'compare', () => toggleSavedComparison(run.id))}
              onCancel={(action) => cancel(run.id, action)}
            />
          ))}
        </ul>
      )}
    </div>
  );
}
