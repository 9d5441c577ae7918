// The "Compare" toggle of a saved run: puts the run's loss curves on the loss chart beside the
// current run's (filled while it is there), or takes them off. Its name stays "Compare"; the
// pressed state says whether the run is on the chart.
import { useStore } from 'zustand';
import { compareStore } from '../../state/compare';
import { isSavedRunCompared } from '../../state/compare-saved';

interface CompareToggleProps {
  runId: string;
  /** Loading the run's history now. */
  busy: boolean;
  /** Another action of the list is under way. */
  blocked: boolean;
  describedBy?: string;
  onToggle: () => void;
}

export function CompareToggle({ runId, busy, blocked, describedBy, onToggle }: CompareToggleProps) {
  const pressed = useStore(compareStore, (s) => isSavedRunCompared(s.runs, runId));
  const inert = busy || blocked;
  const cls = ['share-action', !pressed && 'secondary', busy && 'share-busy'].filter(Boolean).join(' ');
  return (
    <button
      type="button"
      className={cls}
      aria-pressed={pressed}
      aria-disabled={inert || undefined}
      aria-busy={busy || undefined}
      aria-describedby={describedBy}
      data-action="compare"
      data-testid={`compare-${runId}`}
      title={pressed ? 'On the loss chart: press to take it off' : 'Draw its loss curves on the loss chart'}
      onClick={() => {
        if (!inert) onToggle();
      }}
    >
      <span className="share-action-label">
        {pressed && <span aria-hidden="true">✓ </span>}
        Compare
      </span>
    </button>
  );
}
