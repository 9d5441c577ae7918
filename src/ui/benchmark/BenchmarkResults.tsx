// The device benchmark's results as tables: each kernel case with its time and throughput,
// the training steps with tokens/s, and the profiled step's kernels with a bar of their share.
// The numbers are written by core/bench-report.ts, as in the copied Markdown.
import type { DeviceBenchReport } from '../../core/reports';
import { formatBenchMs, formatFigure, shareText, sizeText, throughputText } from '../../core/bench-report';

function Summary({ report }: { report: DeviceBenchReport }) {
  const t = report.training[0];
  return (
    <dl className="bench-summary">
      <div>
        <dt>Adapter</dt>
        <dd data-testid="bench-adapter">{report.adapter.description}</dd>
      </div>
      <div>
        <dt>Shapes</dt>
        <dd>
          {report.shapes.model} <span className="muted">({report.shapes.source === 'model' ? 'your model' : 'the default model'})</span>
        </dd>
      </div>
      {t && (
        <div>
          <dt>Training</dt>
          <dd className="bench-figure">{formatFigure(t.tokensPerSec)} tokens/s</dd>
        </div>
      )}
      <div>
        <dt>Took</dt>
        <dd className="bench-figure">{formatFigure(report.seconds)} s</dd>
      </div>
    </dl>
  );
}

function KernelTable({ report }: { report: DeviceBenchReport }) {
  return (
    <div className="bench-scroll bench-kernels">
      <table className="bench-table" data-testid="bench-kernels">
        <caption>Kernels</caption>
        <thead>
          <tr>
            <th scope="col">Kernel</th>
            <th scope="col">Size</th>
            <th scope="col" className="bench-num">
              Time
            </th>
            <th scope="col" className="bench-num">
              Throughput
            </th>
          </tr>
        </thead>
        <tbody>
          {report.kernels.map((k) => (
            <tr key={`${k.kernel} ${k.size}`}>
              <th scope="row" className="bench-label">
                <span className="bench-code">{k.kernel}</span>
                <span className="bench-role">{k.role}</span>
              </th>
              <td className="bench-size">{sizeText(k.size)}</td>
              <td className="bench-num">{formatBenchMs(k.ms)}</td>
              <td className="bench-num">{throughputText(k)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function TrainingTable({ report }: { report: DeviceBenchReport }) {
  return (
    <div className="bench-scroll bench-training">
      <table className="bench-table" data-testid="bench-training">
        <caption>Training</caption>
        <thead>
          <tr>
            <th scope="col">Model</th>
            <th scope="col" className="bench-num">
              Parameters
            </th>
            <th scope="col" className="bench-num">
              Steps timed
            </th>
            <th scope="col" className="bench-num">
              ms/step
            </th>
            <th scope="col" className="bench-num">
              Tokens/s
            </th>
          </tr>
        </thead>
        <tbody>
          {report.training.map((t) => (
            <tr key={t.model}>
              <th scope="row" className="bench-label bench-code">
                {t.model}
              </th>
              <td className="bench-num">{t.params.toLocaleString('en-US')}</td>
              <td className="bench-num">{t.steps}</td>
              <td className="bench-num">{formatFigure(t.stepMs)}</td>
              <td className="bench-num">{formatFigure(t.tokensPerSec)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function StepTable({ report }: { report: DeviceBenchReport }) {
  const how = report.timestamps
    ? `GPU timestamps, ${formatBenchMs(report.stepProfileMs)} from the first pass to the last`
    : `no timestamp-query: shares of the dispatches, ${formatBenchMs(report.stepProfileMs)} wall time`;
  return (
    <div className="bench-scroll bench-step">
      <table className="bench-table" data-testid="bench-step">
        <caption>
          One training step by kernel <span className="bench-caption-note">({how})</span>
        </caption>
        <thead>
          <tr>
            <th scope="col">Kernel</th>
            <th scope="col" className="bench-num">
              Count
            </th>
            <th scope="col" className="bench-num">
              Time
            </th>
            <th scope="col" className="bench-num">
              Share
            </th>
          </tr>
        </thead>
        <tbody>
          {report.stepProfile.map((k) => (
            <tr key={k.kernel}>
              <th scope="row" className="bench-label">
                <span className="bench-code">{k.kernel}</span>
                <span className="bench-bar" aria-hidden="true">
                  <span className="bench-bar-fill" style={{ width: `${Math.min(100, k.share * 100)}%` }} />
                </span>
              </th>
              <td className="bench-num">{k.count.toLocaleString('en-US')}</td>
              <td className="bench-num">{formatBenchMs(k.ms)}</td>
              <td className="bench-num">{shareText(k.share)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function BenchmarkResults({ report }: { report: DeviceBenchReport }) {
  return (
    <div className="bench-results" data-testid="bench-results">
      <Summary report={report} />
      <KernelTable report={report} />
      <TrainingTable report={report} />
      <StepTable report={report} />
    </div>
  );
}
