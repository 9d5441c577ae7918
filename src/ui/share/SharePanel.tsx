// The Keep & share panel: a link that reproduces this demo elsewhere, checkpoint and ONNX
// files (with a check of the export against ONNX Runtime) and the list of saved runs. The
// autosave's status (AutosaveStatus) is shown with the Training controls.
import { useEffect, useId, useRef, useState } from 'react';
import { DEFAULT_LINK_BUDGET } from '../../state/persist';
import { FieldError, Panel, Select } from '../controls/controls';
import { ActionButton } from './ActionButton';
import { RunsList } from './RunsList';
import { describeLink, describeOnnxCheck, onnxVerdict, overBudgetNote } from './format';
import { useFileActions, type OnnxProvider } from './useFileActions';
import { useShareLink } from './useShareLink';
import './share.css';

const COPY_TEXT = {
  idle: '',
  copied: 'Link copied to the clipboard.',
  manual: 'The clipboard is not available here: the link is selected, copy it with Ctrl+C (⌘C).',
} as const;

function ShareSection() {
  const id = useId();
  const { link, busy, error, copy, share } = useShareLink();
  const urlRef = useRef<HTMLInputElement>(null);

  // Where the clipboard refuses, hand the user a selected link to copy themselves.
  useEffect(() => {
    if (copy !== 'manual') return;
    urlRef.current?.focus();
    urlRef.current?.select();
  }, [copy, link]);

  return (
    <section className="share-section share-link" aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>Share</h3>
      <p className="muted share-hint">A link that reproduces this demo: the text, the settings and, when they fit, the trained weights.</p>
      <div className="share-row">
        <ActionButton testId="share-button" busy={busy} onClick={() => void share()}>
          Share
        </ActionButton>
        <span className="share-status" role="status">
          {busy ? 'Making the link…' : COPY_TEXT[copy]}
        </span>
      </div>
      <div className="field share-url">
        <label htmlFor={`${id}-url`}>Link</label>
        <input
          id={`${id}-url`}
          ref={urlRef}
          type="text"
          readOnly
          data-testid="share-url"
          value={link?.url ?? ''}
          placeholder="Press Share to make the link"
          spellCheck={false}
          onFocus={(e) => e.currentTarget.select()}
        />
      </div>
      <p className="share-size" data-testid="share-size">
        {link ? describeLink(link) : <span className="muted">Its size appears here.</span>}
      </p>
      {link?.overBudget && <p className="share-note">{overBudgetNote(link, DEFAULT_LINK_BUDGET)}</p>}
      <FieldError message={error} testId="share-error" />
    </section>
  );
}

const PROVIDERS: { value: OnnxProvider; label: string }[] = [
  { value: 'wasm', label: 'wasm (CPU)' },
  { value: 'webgpu', label: 'webgpu' },
];

function OnnxResult({ onnx }: { onnx: ReturnType<typeof useFileActions>['onnx'] }) {
  if (!onnx) {
    return <span className="muted">Runs the exported model in ONNX Runtime and compares its logits with this model's on the sample prompt.</span>;
  }
  const verdict = onnxVerdict(onnx);
  return (
    <>
      <span className={`badge ${verdict === 'ok' ? 'ok' : 'share-warn'}`}>{verdict}</span> <span className="share-num">{describeOnnxCheck(onnx)}</span>{' '}
      <span className="muted">on {onnx.provider}</span>
      {verdict === 'warn' && <span className="share-onnx-why">More than float32 rounding explains: the export does not match this model.</span>}
    </>
  );
}

function FilesSection() {
  const id = useId();
  const { busy, status, error, onnx, exportCheckpoint, exportOnnx, importCheckpoint, verify } = useFileActions();
  const [provider, setProvider] = useState<OnnxProvider>('wasm');
  const blocked = busy !== null;

  return (
    <section className="share-section share-files" aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>Files</h3>
      {/* One text whether or not there is a model: a hint that changed when training starts would move the page. */}
      <p className="muted share-hint">
        A checkpoint keeps the weights, the text and the settings; ONNX runs anywhere ONNX Runtime does. Exporting needs a model: train it (or press Step
        once) first.
      </p>
      <div className="share-row share-buttons">
        <ActionButton testId="export-checkpoint" busy={busy === 'checkpoint'} blocked={blocked} onClick={() => void exportCheckpoint()}>
          Export checkpoint (.safetensors)
        </ActionButton>
        {/* A label around the file input, styled as a button: clicking it opens the file
            chooser, the input inside is what the keyboard focuses and what tests set files on. */}
        <label className={['share-file-button', busy === 'import' && 'share-busy', blocked && busy !== 'import' && 'share-blocked'].filter(Boolean).join(' ')} data-testid="import-checkpoint">
          <input
            type="file"
            accept=".safetensors"
            className="visually-hidden"
            aria-busy={busy === 'import' || undefined}
            onClick={(e) => {
              // Not `disabled`: that would drop keyboard focus while another action runs.
              if (blocked) e.preventDefault();
            }}
            onChange={(e) => {
              const file = e.currentTarget.files?.[0];
              // Cleared so that choosing the same file again (after fixing it) fires a change.
              e.currentTarget.value = '';
              if (file) void importCheckpoint(file);
            }}
          />
          <span className="share-action-label">Import checkpoint</span>
        </label>
        <ActionButton testId="export-onnx" busy={busy === 'onnx'} blocked={blocked} secondary onClick={() => void exportOnnx()}>
          Export ONNX
        </ActionButton>
      </div>
      <div className="share-row share-verify">
        <div className="share-provider">
          <Select label="Provider" value={provider} options={PROVIDERS} onChange={setProvider} />
        </div>
        <ActionButton testId="verify-onnx" busy={busy === 'verify'} blocked={blocked} secondary onClick={() => void verify(provider)}>
          Verify with ONNX Runtime
        </ActionButton>
      </div>
      <p className="share-onnx-result" data-testid="onnx-result" aria-live="polite">
        <OnnxResult onnx={onnx} />
      </p>
      <p className="share-status share-file-status" role="status">
        {status}
      </p>
      <FieldError message={error} testId="file-error" />
    </section>
  );
}

export function SharePanel() {
  const id = useId();
  return (
    <Panel id="share" title="Keep & share">
      <div className="share-wrap">
        <div className="share-panel">
          <ShareSection />
          <FilesSection />
          <section className="share-section share-runs" aria-labelledby={`${id}-runs`}>
            <h3 id={`${id}-runs`}>Saved runs</h3>
            <p className="muted share-hint">This tab's run is autosaved while it trains; its status is shown beside the Training controls.</p>
            <RunsList />
          </section>
        </div>
      </div>
    </Panel>
  );
}
