// Where the GPU time of one training step or one sampled token goes: per kernel, its
// dispatch count, its time (when the device has timestamp queries) and a bar of its share.
import { Fragment } from 'react';
import type { ProfileReport } from '../../core/reports';
import { Panel } from '../controls/controls';
import { formatMs, modeText, profileRows, summaryText } from './rows';
import './profiler.css';

export interface ProfilerPanelProps {
  report: ProfileReport | null;
  onProfile: (what: 'step' | 'token') => void;
  busy: boolean;
}

export function ProfilerPanel({ report, onProfile, busy }: ProfilerPanelProps) {
  return (
    <Panel id="profiler" title="Profiler">
      <div className="profiler" data-testid="profiler-panel" aria-busy={busy}>
        <div className="profiler-actions">
          <button type="button" data-testid="profile-step" disabled={busy} onClick={() => onProfile('step')}>
            Profile a training step
          </button>
          <button type="button" data-testid="profile-token" disabled={busy} onClick={() => onProfile('token')}>
            Profile a sampled token
          </button>
          <span className="profiler-status" role="status" aria-live="polite">
            {busy ? 'Profiling…' : ''}
          </span>
        </div>
        {report ? <ProfileResult report={report} /> : <ProfilerEmpty />}
      </div>
    </Panel>
  );
}

/** Lets long kernel names wrap after an underscore rather than mid-word on a phone. */
function withBreaks(label: string) {
  return label.split('_').map((part, i, all) => (
    <Fragment key={i}>
      {part}
      {i < all.length - 1 ? (
        <>
          _<wbr />
        </>
      ) : null}
    </Fragment>
  ));
}

function ProfilerEmpty() {
  return (
    <p className="profiler-empty">
      Profile a training step or a sampled token to see which kernels take the time. The profiled step is a real
      one: it trains the model like any other.
    </p>
  );
}

function ProfileResult({ report }: { report: ProfileReport }) {
  const timed = report.mode === 'timestamp';
  const rows = profileRows(report);
  return (
    <>
      <dl className="profiler-summary">
        <div>
          <dt>Mode</dt>
          <dd className={timed ? undefined : 'profiler-mode-wall'}>{modeText(report.mode)}</dd>
        </div>
        <div>
          <dt>{timed ? 'GPU time' : 'Wall time'}</dt>
          <dd className="profiler-figure">{formatMs(report.totalMs)}</dd>
        </div>
        <div>
          <dt>Dispatches</dt>
          <dd className="profiler-figure">{report.dispatches.toLocaleString('en')}</dd>
        </div>
      </dl>
      <p className="visually-hidden">{summaryText(report)}</p>
      {rows.length === 0 ? (
        <p className="profiler-empty">Nothing was dispatched.</p>
      ) : (
        <div className="profiler-scroll">
          <table className="profiler-table" data-testid="profile-table">
            <caption className="visually-hidden">
              Kernels by {timed ? 'GPU time' : 'number of dispatches'}: how many times each ran, its time, and its share
              of the {timed ? 'summed kernel time' : 'dispatches'}
            </caption>
            <thead>
              <tr>
                <th scope="col">Kernel</th>
                <th scope="col" className="profiler-num">
                  Count
                </th>
                <th scope="col" className="profiler-num">
                  Time
                </th>
                <th scope="col" className="profiler-num">
                  Share
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.label}>
                  <th scope="row" className="profiler-label">
                    <span className="profiler-label-text">{withBreaks(r.label)}</span>
                    <span className="profiler-bar" aria-hidden="true">
                      <span className="profiler-bar-fill" style={{ width: `${Math.min(100, r.share * 100)}%` }} />
                    </span>
                  </th>
                  <td className="profiler-num">{r.count.toLocaleString('en')}</td>
                  <td className="profiler-num">{r.timeText}</td>
                  <td className="profiler-num">{r.shareText}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {timed ? (
        <p className="profiler-note">
          Each dispatch ran in its own compute pass to be timed, which adds a little time per pass. Browsers may round
          timestamps (Chrome to 0.1 ms), so very short kernels can read as 0.
        </p>
      ) : (
        <p className="profiler-note">
          This device has no timestamp queries: the time is the whole submission's, measured on the CPU until the GPU
          finished.
        </p>
      )}
    </>
  );
}
