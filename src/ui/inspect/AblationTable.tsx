// The validation loss with each unit off alone: a table sortable by any column (its header is
// a button; aria-sort says the order), with a bar per row for Δ loss around a middle of 0.
import { useMemo, useState } from 'react';
import type { AblationTableReport } from '../../core/inspect';
import { DEFAULT_SORT, deltaBar, formatDelta, formatLoss, maxAbsDelta, nextSort, sortRows, type Sort, type SortKey } from './table';

const COLUMNS: { key: SortKey; label: string }[] = [
  { key: 'unit', label: 'Unit' },
  { key: 'loss', label: 'Loss' },
  { key: 'delta', label: 'Δ loss' },
];

/** One sentence for the live region: the base loss and the unit that matters most. */
export function tableSummary(r: AblationTableReport): string {
  const top = sortRows(r.rows, DEFAULT_SORT)[0];
  const base = `Base validation loss ${formatLoss(r.baseLoss)} over ${r.sequences.toLocaleString('en-US')} sequences.`;
  return top ? `${base} Switching off ${top.name} changes it most: ${formatDelta(top.delta)}.` : base;
}

export function AblationTable({ report }: { report: AblationTableReport }) {
  const [sort, setSort] = useState<Sort>(DEFAULT_SORT);
  const rows = useMemo(() => sortRows(report.rows, sort), [report, sort]);
  const max = maxAbsDelta(report.rows);
  return (
    <div className="inspect-table-wrap">
      <table className="inspect-table" data-testid="ablation-table">
        <caption>
          Base loss <strong data-testid="ablation-base">{formatLoss(report.baseLoss)}</strong> ({report.mode === 'zero' ? 'units zeroed' : 'units set to their mean'})
        </caption>
        <thead>
          <tr>
            {COLUMNS.map((c) => (
              <th key={c.key} scope="col" aria-sort={sort.key === c.key ? sort.dir : undefined}>
                <button type="button" className="inspect-sort" onClick={() => setSort(nextSort(sort, c.key))}>
                  {c.label}
                  <span className="inspect-sort-mark" aria-hidden="true">
                    {sort.key === c.key ? (sort.dir === 'ascending' ? ' ▲' : ' ▼') : ''}
                  </span>
                </button>
              </th>
            ))}
            <th scope="col">
              <span className="visually-hidden">Δ loss as a bar</span>
              <span aria-hidden="true" className="inspect-bar-axis">
                <span>better</span>
                <span>worse</span>
              </span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => {
            const bar = deltaBar(r.delta, max);
            return (
              <tr key={r.name} data-testid="ablation-row" data-unit={r.name}>
                <th scope="row">{r.name}</th>
                <td className="num">{formatLoss(r.loss)}</td>
                <td className="num">{formatDelta(r.delta)}</td>
                <td className="inspect-delta-cell" aria-hidden="true">
                  <span className="inspect-delta-track">
                    <span className={`inspect-delta-bar${r.delta < 0 ? ' is-better' : ''}`} style={{ left: `${bar.left}%`, width: `${bar.width}%` }} />
                  </span>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
