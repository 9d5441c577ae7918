// The Data panel: what the model trains on. A sample corpus, pasted text or a file (picked or
// dropped), the tokenizer, and the stats the worker reports once it has tokenized the text.
import { useEffect, useId, useMemo, useRef, useState, type DragEvent } from 'react';
import { DEFAULT_CORPUS_ID, SAMPLE_CORPORA, findCorpus } from '../../corpora';
import type { TextSource } from '../../state/slices/data';
import { useAppStore } from '../../state/store';
import { FieldError, Panel, Select } from '../controls/controls';
import { DataStats } from './DataStats';
import { TokenizerFields } from './TokenizerFields';
import { formatBytes } from '../../core/format';
import { FILE_ACCEPT, checkDecodedText, checkFileBeforeRead, formatCount, normalizeNewlines, textareaView } from './text-input';
import './DataPanel.css';

/** The picker's value for text that is not a sample (no corpus uses this id). */
const CUSTOM = '__custom';

/** Loads a sample: its text, the prompt that shows it off, and the block size it needs. */
function chooseSample(id: string): void {
  const corpus = findCorpus(id);
  if (!corpus) return;
  const s = useAppStore.getState();
  s.setText(corpus.text(), { kind: 'sample', id });
  s.setPrompt(corpus.prompt);
  if (s.model.blockSize !== corpus.blockSize) s.setModel({ blockSize: corpus.blockSize });
}

function customDescription(source: TextSource, empty: boolean): string {
  if (empty) return 'No text yet: paste some into the box below, open a file, drop one on this panel, or pick a sample.';
  const what = source.kind === 'file' ? `Text from ${source.name} (${formatBytes(source.size)}).` : 'Your own text.';
  return `${what} Anything with patterns works: stories, code, lyrics, a chat log. Around 100 KB to a few MB trains well; a small text is soon memorized, which shows as the validation loss rising.`;
}

export function DataPanel() {
  const text = useAppStore((s) => s.text);
  const source = useAppStore((s) => s.source);
  const setText = useAppStore((s) => s.setText);
  const running = useAppStore((s) => s.trainState === 'running');
  const dataError = useAppStore((s) => s.dataError);
  const textError = useAppStore((s) => (s.modelError?.field === 'text' ? s.modelError.message : null));

  const [fileError, setFileError] = useState<string | null>(null);
  const [reading, setReading] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  // The user's own text, kept when they switch to a sample so that switching back restores it.
  const [stash, setStash] = useState<{ text: string; source: TextSource } | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const dragDepth = useRef(0);
  const textId = useId();

  useEffect(() => {
    if (useAppStore.getState().text === '') chooseSample(DEFAULT_CORPUS_ID);
  }, []);

  const corpus = source.kind === 'sample' ? findCorpus(source.id) : undefined;
  const pickerValue = corpus ? corpus.id : CUSTOM;
  // A sample id this version does not ship (an old share link) counts as the user's own text.
  const ownSource: TextSource | undefined = corpus ? undefined : source.kind === 'sample' ? { kind: 'paste' } : source;
  const customSource = ownSource ?? stash?.source;
  const options = SAMPLE_CORPORA.map((c) => ({ value: c.id, label: c.title }));
  if (customSource) {
    options.push({ value: CUSTOM, label: customSource.kind === 'file' ? `Your file: ${customSource.name}` : 'Your own text' });
  }

  const onPick = (id: string) => {
    setFileError(null);
    if (id === CUSTOM) {
      if (stash) setText(stash.text, stash.source);
      return;
    }
    if (ownSource && text.length > 0) setStash({ text, source: ownSource });
    chooseSample(id);
  };

  const loadFile = async (file: File) => {
    setFileError(null);
    const refused = checkFileBeforeRead(file);
    if (refused) {
      setFileError(refused);
      return;
    }
    setReading(file.name);
    try {
      const decoded = await file.text();
      const bad = checkDecodedText(decoded, file.name);
      if (bad) setFileError(bad);
      else setText(normalizeNewlines(decoded), { kind: 'file', name: file.name, size: file.size });
    } catch (e) {
      setFileError(`Could not read ${file.name}: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      setReading(null);
    }
  };

  // Only file drags are ours: dragged text is left to the textarea's native drop.
  const isFileDrag = (e: DragEvent) => e.dataTransfer.types.includes('Files');
  const onDragEnter = (e: DragEvent) => {
    if (!isFileDrag(e)) return;
    e.preventDefault();
    dragDepth.current++;
    setDragging(true);
  };
  const onDragOver = (e: DragEvent) => {
    if (!isFileDrag(e)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
  };
  const onDragLeave = (e: DragEvent) => {
    if (!isFileDrag(e)) return;
    dragDepth.current = Math.max(0, dragDepth.current - 1);
    if (dragDepth.current === 0) setDragging(false);
  };
  const onDrop = (e: DragEvent) => {
    if (!isFileDrag(e)) return;
    e.preventDefault();
    dragDepth.current = 0;
    setDragging(false);
    const file = e.dataTransfer.files[0];
    if (file) void loadFile(file);
  };

  const view = useMemo(() => textareaView(text), [text]);
  const readOnly = view.truncated || running;
  const note = reading
    ? `Reading ${reading}…`
    : view.truncated
      ? `Showing the first ${formatCount(view.value.length)} of ${formatCount(text.length)} characters, read-only; training uses the whole text.`
      : running
        ? 'Pause training to edit the text.'
        : `${formatCount(text.length)} characters`;

  return (
    <Panel id="data" title="Data">
      <div className={dragging ? 'data-body data-dragging' : 'data-body'} onDragEnter={onDragEnter} onDragOver={onDragOver} onDragLeave={onDragLeave} onDrop={onDrop}>
        <div className="data-grid">
          <div className="data-source">
            <Select label="Sample text" value={pickerValue} options={options} onChange={onPick} />
            <p className="data-description" data-testid="corpus-description" aria-live="polite">
              {corpus ? corpus.description : customDescription(ownSource!, text.length === 0)}
            </p>
            <div className="data-file-row">
              <button type="button" onClick={() => fileInput.current?.click()} disabled={reading !== null}>
                Open file
              </button>
              <input
                ref={fileInput}
                type="file"
                accept={FILE_ACCEPT}
                hidden
                data-testid="data-file-input"
                onChange={(e) => {
                  const file = e.currentTarget.files?.[0];
                  // Cleared so that opening the same file again still fires a change.
                  e.currentTarget.value = '';
                  if (file) void loadFile(file);
                }}
              />
              <span className="data-file-info" data-testid="data-file-info">
                {source.kind === 'file' ? (
                  <>
                    <strong>{source.name}</strong> · {formatBytes(source.size)}
                  </>
                ) : (
                  'or drop a text file on this panel'
                )}
              </span>
            </div>
            <div className="data-text-field">
              <label htmlFor={textId}>Text</label>
              <textarea
                id={textId}
                data-testid="data-text"
                value={view.value}
                readOnly={readOnly}
                spellCheck={false}
                autoComplete="off"
                placeholder="Paste or type text here, open a file, or drop one on this panel."
                aria-describedby={`${textId}-note`}
                onChange={(e) => {
                  setFileError(null);
                  setText(e.currentTarget.value, { kind: 'paste' });
                }}
              />
              <div className="data-text-note" id={`${textId}-note`}>
                <span className={view.truncated || running ? 'data-note-strong' : undefined}>{note}</span>
                {view.truncated && !running && (
                  <button type="button" className="data-link-button" onClick={() => setText('', { kind: 'paste' })}>
                    Clear text
                  </button>
                )}
              </div>
              <FieldError message={fileError ?? dataError ?? textError} testId="data-error" />
            </div>
          </div>
          <div className="data-side">
            <TokenizerFields />
            <DataStats />
          </div>
        </div>
        {dragging && (
          <div className="data-drop-overlay" aria-hidden="true">
            Drop a text file to train on it
          </div>
        )}
      </div>
    </Panel>
  );
}
