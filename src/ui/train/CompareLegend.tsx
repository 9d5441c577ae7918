// The legend of the runs on the loss chart: "this run", then each compared run in its colour,
// named by what differs, with a button that takes it off the chart. Nothing is shown until a
// run is compared. Removing one moves keyboard focus to the next run's button (or the chart),
// never to the page.
import { useLayoutEffect, useRef } from 'react';
import type { ComparedRun } from '../../state/compare';

interface CompareLegendProps {
  runs: readonly ComparedRun[];
  /** Colour slot (0-based) of each run's id. */
  slots: ReadonlyMap<string, number>;
  onRemove: (id: string) => void;
  onClear: () => void;
  /** Where focus goes when no remove button is left. */
  focusChart: () => void;
}

/** Focus target after a removal: a run's id, or the chart. */
type FocusTarget = { id: string } | 'chart';

export function CompareLegend({ runs, slots, onRemove, onClear, focusChart }: CompareLegendProps) {
  const listRef = useRef<HTMLUListElement>(null);
  const focusNext = useRef<FocusTarget | null>(null);

  // After the store drops a run (and this list re-renders without it), put focus back.
  useLayoutEffect(() => {
    const want = focusNext.current;
    if (!want) return;
    focusNext.current = null;
    const el = want === 'chart' ? null : listRef.current?.querySelector<HTMLElement>(`[data-run-id="${CSS.escape(want.id)}"]`);
    if (el) el.focus();
    else focusChart();
  }, [runs, focusChart]);

  if (runs.length === 0) return null;

  const remove = (index: number) => {
    const neighbour = runs[index + 1] ?? runs[index - 1];
    focusNext.current = neighbour ? { id: neighbour.id } : 'chart';
    onRemove(runs[index].id);
  };

  return (
    <div className="train-compare" role="group" aria-label="Runs on the chart" data-testid="compare-legend">
      <ul className="train-compare-list" ref={listRef}>
        <li className="train-compare-item" data-testid="compare-this">
          <span className="train-compare-swatch train-cmp-this" aria-hidden="true" />
          <span className="train-compare-label">this run</span>
        </li>
        {runs.map((run, i) => (
          <li key={run.id} className="train-compare-item" data-testid="compare-item">
            <span className={`train-compare-swatch train-cmp-${(slots.get(run.id) ?? 0) + 1}`} aria-hidden="true" />
            <span className="train-compare-label" title={run.label}>
              {run.label}
            </span>
            <button type="button" className="train-compare-remove" data-run-id={run.id} aria-label={`Remove “${run.label}” from the chart`} title="Remove from the chart" onClick={() => remove(i)}>
              <span aria-hidden="true">×</span>
            </button>
          </li>
        ))}
      </ul>
      <span className="train-compare-key">solid: train (smoothed), dashed: val</span>
      {runs.length > 1 && (
        <button
          type="button"
          className="secondary train-compare-clear"
          onClick={() => {
            focusNext.current = 'chart';
            onClear();
          }}
        >
          Remove all
        </button>
      )}
    </div>
  );
}
