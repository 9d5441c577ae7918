// "Benchmark this device": a Run button (with why it cannot run now, when it cannot), the
// run's progress, the results, and the report to copy as Markdown or JSON or to download.
// Where the clipboard is refused, the text is put in a selected field to copy by hand.
import { useEffect, useId, useRef, useState } from 'react';
import type { DeviceBenchReport } from '../../core/reports';
import { benchFileName, benchJson, benchMarkdown } from '../../core/bench-report';
import { FieldError, Panel } from '../controls/controls';
import { ActionButton } from '../share/ActionButton';
import { downloadBlob } from '../share/download';
import { copyText } from '../share/useShareLink';
import { BenchmarkResults } from './BenchmarkResults';
import '../share/share.css';
import './benchmark.css';

export interface BenchmarkPanelProps {
  report: DeviceBenchReport | null;
  busy: boolean;
  progress: { fraction: number; message: string } | null;
  error: string | null;
  /** Why the benchmark cannot run now (training runs, no WebGPU); null when it can. */
  blockedBy: string | null;
  onRun: () => void;
}

type Format = 'Markdown' | 'JSON';
/** 'manual': the clipboard refused, the text is in a selected field. */
type Copy = { format: Format; state: 'copied' | 'manual' } | null;

const textOf = (report: DeviceBenchReport, format: Format): string => (format === 'Markdown' ? benchMarkdown(report) : benchJson(report));

function CopyActions({ report }: { report: DeviceBenchReport }) {
  const id = useId();
  const [copy, setCopy] = useState<Copy>(null);
  const fieldRef = useRef<HTMLTextAreaElement>(null);
  // A new report makes what was copied old news.
  useEffect(() => setCopy(null), [report]);
  useEffect(() => {
    if (copy?.state !== 'manual') return;
    fieldRef.current?.focus();
    fieldRef.current?.select();
  }, [copy]);

  const copyAs = async (format: Format) => {
    setCopy({ format, state: (await copyText(textOf(report, format))) ? 'copied' : 'manual' });
  };
  const status = !copy
    ? ''
    : copy.state === 'copied'
      ? `Copied the ${copy.format} to the clipboard.`
      : `The clipboard is not available here: the ${copy.format} is selected below, copy it with Ctrl+C (⌘C).`;
  return (
    <div className="bench-copy">
      <div className="bench-row">
        <ActionButton secondary testId="bench-copy-markdown" onClick={() => void copyAs('Markdown')}>
          Copy Markdown
        </ActionButton>
        <ActionButton secondary testId="bench-copy-json" onClick={() => void copyAs('JSON')}>
          Copy JSON
        </ActionButton>
        <ActionButton secondary testId="bench-download" onClick={() => downloadBlob(new Blob([benchJson(report)], { type: 'application/json' }), benchFileName(report))}>
          Download JSON
        </ActionButton>
        <span className="bench-status" role="status" data-testid="bench-copy-status">
          {status}
        </span>
      </div>
      {copy?.state === 'manual' && (
        <div className="field bench-manual">
          <label htmlFor={`${id}-text`}>The report as {copy.format}</label>
          <textarea id={`${id}-text`} ref={fieldRef} readOnly rows={10} spellCheck={false} value={textOf(report, copy.format)} onFocus={(e) => e.currentTarget.select()} />
        </div>
      )}
    </div>
  );
}

export function BenchmarkPanel({ report, busy, progress, error, blockedBy, onRun }: BenchmarkPanelProps) {
  const id = useId();
  const fraction = progress?.fraction ?? 0;
  return (
    <Panel id="benchmark" title="Benchmark this device">
      <div className="bench" data-testid="benchmark-panel" aria-busy={busy}>
        <p className="bench-intro">
          Times the kernels of a training step at your model&rsquo;s shapes (the default model&rsquo;s if none is built), a 512³ matmul, and a
          few training steps on this adapter, then shows where one step spends its time. Copy the result into a bug report, or compare it
          with another machine&rsquo;s. A few seconds on a GPU; up to a minute on a software adapter.
        </p>
        <div className="bench-row">
          <ActionButton testId="bench-run" busy={busy} blocked={blockedBy !== null} describedBy={blockedBy ? `${id}-why` : undefined} onClick={onRun}>
            Run the benchmark
          </ActionButton>
          {blockedBy && !busy && (
            <span className="bench-why" id={`${id}-why`}>
              {blockedBy}
            </span>
          )}
        </div>
        <FieldError message={error} testId="bench-error" />
        <div className="bench-progress" hidden={!busy}>
          <progress max={1} value={fraction} aria-labelledby={`${id}-progress`} />
          <span className="bench-progress-pct" aria-hidden="true">
            {Math.round(fraction * 100)}%
          </span>
        </div>
        <p className="bench-status" id={`${id}-progress`} role="status" aria-live="polite" data-testid="bench-progress">
          {busy ? (progress?.message ?? 'Starting') : report && !error ? 'Done: the results are below.' : ''}
        </p>
        {report && (
          <>
            <CopyActions report={report} />
            <BenchmarkResults report={report} />
          </>
        )}
      </div>
    </Panel>
  );
}
