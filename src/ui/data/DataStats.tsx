// What the text amounts to once tokenized: characters, tokens, vocabulary and the train /
// validation split. Before tokenization, the character count and a Tokenize button. Every
// row is always present and the progress row keeps its height, so nothing moves while busy.
import { useAppStore } from '../../state/store';
import { formatCount, splitPercent } from './text-input';

export function DataStats() {
  const textLength = useAppStore((s) => s.text.length);
  const report = useAppStore((s) => s.dataReport);
  const busy = useAppStore((s) => s.dataBusy);
  const progress = useAppStore((s) => s.dataProgress);
  const tokenizerKind = useAppStore((s) => s.tokenizer.kind);
  const applyData = useAppStore((s) => s.applyData);
  // Tokenized text can still be unusable (too short for the block size): then not "ready".
  const textProblem = useAppStore((s) => s.modelError?.field === 'text');

  const pct = progress ? Math.round(progress.fraction * 100) : undefined;

  return (
    <div className="data-stats-box" data-testid="data-stats">
      <dl className="data-stats">
        <dt>Characters</dt>
        <dd>{formatCount(report?.chars ?? textLength)}</dd>
        <dt>Tokens</dt>
        <dd className={report ? undefined : 'data-pending'}>{report ? formatCount(report.tokens) : '—'}</dd>
        <dt>Vocabulary</dt>
        <dd className={report ? undefined : 'data-pending'}>
          {report ? `${formatCount(report.vocabSize)} ${report.tokenizer.kind === 'char' ? 'characters' : 'tokens'}` : '—'}
        </dd>
        <dt>Train / val</dt>
        <dd className={report ? undefined : 'data-pending'}>
          {report ? (
            <>
              {formatCount(report.trainTokens)} / {formatCount(report.valTokens)}
              <span className="data-split"> ({splitPercent(report.trainTokens, report.valTokens)})</span>
            </>
          ) : (
            '—'
          )}
        </dd>
      </dl>
      <div className="data-stats-actions">
        <div className="data-tokenize-row">
          {report ? (
            <p role="status" className={textProblem ? 'data-ready data-not-ready' : 'data-ready'}>
              {textProblem ? 'Tokenized; see the message under the text.' : 'Tokenized: ready to train.'}
            </p>
          ) : (
            <button type="button" onClick={() => void applyData()} disabled={busy || textLength === 0}>
              Tokenize
            </button>
          )}
        </div>
        <p className="data-tokenize-note">
          {report
            ? 'Changing the text or the tokenizer tokenizes it again.'
            : textLength === 0
              ? 'No text yet: paste some, open a file or pick a sample.'
              : 'Or it is tokenized when training starts.'}
        </p>
        <div className="data-progress-row">
          {busy && (
            <>
              <div
                className="data-progress"
                role="progressbar"
                aria-label={tokenizerKind === 'bpe' ? 'Learning byte-pair merges' : 'Tokenizing'}
                aria-valuemin={0}
                aria-valuemax={100}
                aria-valuenow={pct}
                aria-valuetext={progress?.message}
              >
                {/* Without a fraction yet the bar is indeterminate (no aria-valuenow) and pulses. */}
                <div className={pct === undefined ? 'data-progress-fill data-indeterminate' : 'data-progress-fill'} style={{ width: `${pct ?? 100}%` }} />
              </div>
              <span className="data-progress-text">{progress?.message ?? 'Tokenizing…'}</span>
            </>
          )}
        </div>
      </div>
    </div>
  );
}
