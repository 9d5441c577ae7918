// A saved run belongs to one tab at a time. What this tab says about the others: the question
// when it was asked to open a run another tab has open (open read-only, take over, fork a
// copy), the banner while it shows a run read-only, and what another tab did to its run
// (took it over, deleted it). The question on load and the notices sit at the top of the page,
// since nothing the user did here caused them; the question after Open sits in that run's row.
import { useEffect, useId, useRef } from 'react';
import { claimReadOnlyRun, dismissOwnershipNotice, resolveConflict, usePersistStore, type ConflictChoice, type RunConflict } from '../../state/persist';
import { FieldError } from '../controls/controls';
import { ActionButton } from './ActionButton';
import './share.css';

// Read-only changes nothing anywhere, so it is the one primary button.
const CHOICES: { choice: ConflictChoice; label: string; what: (name: string) => string; testId: string; secondary: boolean }[] = [
  { choice: 'read-only', label: 'Open read-only', what: () => 'See it here without saving it. Training it here makes a copy.', testId: 'conflict-read-only', secondary: false },
  {
    choice: 'take-over',
    label: 'Take over',
    what: () => 'This tab saves it from now on. The other tab stops saving it and keeps its unsaved work in a copy.',
    testId: 'conflict-take-over',
    secondary: true,
  },
  {
    choice: 'fork',
    label: 'Fork a copy',
    what: (name) => `Open a new run, “${name} (copy)”, with the same content, saved by this tab.`,
    testId: 'conflict-fork',
    secondary: true,
  },
];

/** The question about a run another tab has open; nothing is opened until it is answered. */
export function RunConflictPrompt({ conflict, focusOnShow = false }: { conflict: RunConflict; focusOnShow?: boolean }) {
  const id = useId();
  const rootRef = useRef<HTMLElement>(null);
  const restoring = conflict.origin === 'restore';

  // After Open, keyboard focus moves to the question (not onto a choice: Enter must not pick one by accident).
  useEffect(() => {
    if (focusOnShow) rootRef.current?.focus();
  }, [focusOnShow, conflict.runId]);

  return (
    <section
      ref={rootRef}
      className="run-elsewhere run-conflict"
      aria-labelledby={`${id}-h`}
      data-testid="run-conflict"
      tabIndex={-1}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && !conflict.busy) {
          e.preventDefault();
          void resolveConflict('cancel');
        }
      }}
    >
      <div role="alert">
        <h2 id={`${id}-h`} className="run-elsewhere-title">
          {restoring ? 'Your last run, ' : ''}“{conflict.name}”{restoring ? ',' : ''} is open in another tab
        </h2>
        <p>Only one tab at a time saves a run, so that two tabs never write over each other's training. What should this tab do?</p>
      </div>
      <ul className="run-elsewhere-choices">
        {CHOICES.map((c) => (
          <li key={c.choice}>
            <ActionButton testId={c.testId} secondary={c.secondary} busy={conflict.busy === c.choice} blocked={conflict.busy !== null} describedBy={`${id}-${c.choice}`} onClick={() => void resolveConflict(c.choice)}>
              {c.label}
            </ActionButton>
            <span id={`${id}-${c.choice}`} className="run-elsewhere-what">
              {c.what(conflict.name)}
            </span>
          </li>
        ))}
        <li>
          <ActionButton testId="conflict-cancel" secondary blocked={conflict.busy !== null} describedBy={`${id}-cancel`} onClick={() => void resolveConflict('cancel')}>
            {restoring ? 'Not now' : 'Cancel'}
          </ActionButton>
          <span id={`${id}-cancel`} className="run-elsewhere-what">
            {restoring ? 'Keep the demo this tab started with; the run stays in Saved runs.' : 'Keep what this tab has open.'}
          </span>
        </li>
      </ul>
      <FieldError message={conflict.error} testId="conflict-error" />
    </section>
  );
}

/** While this tab shows a run read-only: which run, that nothing is saved, and the ways out. */
function ReadOnlyBanner({ name, busy }: { name: string; busy: ConflictChoice | null }) {
  const id = useId();
  return (
    <section className="run-elsewhere run-read-only" aria-labelledby={`${id}-h`} data-testid="read-only-banner">
      <p role="status">
        <strong id={`${id}-h`}>Read-only: “{name}” is open in another tab.</strong> This tab shows it but does not save it; training it here makes a copy.
      </p>
      <div className="share-row">
        <ActionButton testId="read-only-take-over" busy={busy === 'take-over'} blocked={busy !== null} onClick={() => void claimReadOnlyRun('take-over')}>
          Take over
        </ActionButton>
        <ActionButton testId="read-only-fork" secondary busy={busy === 'fork'} blocked={busy !== null} onClick={() => void claimReadOnlyRun('fork')}>
          Fork a copy
        </ActionButton>
      </div>
    </section>
  );
}

/** What another tab did to this tab's run; stays until dismissed. */
function OwnershipNoticeBox() {
  const notice = usePersistStore((s) => s.ownershipNotice);
  if (!notice) return null;
  return (
    <section className="run-elsewhere run-notice" data-testid="ownership-notice" data-kind={notice.kind}>
      {/* Taken over or deleted elsewhere happened without the user doing anything here: interrupt. */}
      <p role={notice.kind === 'forked' ? 'status' : 'alert'}>{notice.text}</p>
      <ActionButton testId="ownership-dismiss" secondary onClick={dismissOwnershipNotice}>
        Dismiss
      </ActionButton>
    </section>
  );
}

/** The banner under the page header: the question on load, the read-only state, and notices. */
export function RunOwnershipBanner() {
  const conflict = usePersistStore((s) => s.conflict);
  const access = usePersistStore((s) => s.access);
  const runId = usePersistStore((s) => s.runId);
  const readOnlyName = usePersistStore((s) => s.readOnlyName);
  // Take over / fork from the read-only banner run as a conflict on the shown run: keep the banner.
  const claiming = conflict && access === 'read-only' && conflict.runId === runId;
  return (
    <>
      {conflict?.origin === 'restore' && !claiming && <RunConflictPrompt conflict={conflict} />}
      {access === 'read-only' && <ReadOnlyBanner name={readOnlyName ?? 'This run'} busy={claiming ? conflict.busy : null} />}
      {claiming && conflict.error && <FieldError message={conflict.error} testId="conflict-error" />}
      <OwnershipNoticeBox />
    </>
  );
}
