// The prompt, and under it the characters of it the model will not see: a character
// tokenizer skips what its text never contained, and the field alone would not show that.
import { useId, useMemo } from 'react';
import { useAppStore } from '../../state/store';
import { codePointsOf, skippedChars, skippedCharsMessage, vocabularyOf } from './skipped-chars';

/** The vocabulary the prompt will be encoded with; null when any text can be (BPE). */
export function usePromptVocabulary(hasPrompt: boolean): ReadonlySet<number> | null {
  const dataReport = useAppStore((s) => s.dataReport);
  const charTokenizer = useAppStore((s) => s.tokenizer.kind === 'char');
  const text = useAppStore((s) => s.text);
  return useMemo(() => {
    if (!hasPrompt) return null;
    if (dataReport) return vocabularyOf(dataReport.tokenizer);
    // The text changed since it was tokenized: the worker will build this vocabulary from it.
    return charTokenizer && text.length > 0 ? codePointsOf(text) : null;
  }, [hasPrompt, dataReport, charTokenizer, text]);
}

export function PromptField({ onGenerate }: { onGenerate: () => void }) {
  const id = useId();
  const prompt = useAppStore((s) => s.prompt);
  const setPrompt = useAppStore((s) => s.setPrompt);
  const vocabulary = usePromptVocabulary(prompt.length > 0);
  const skipped = vocabulary ? skippedCharsMessage(prompt, skippedChars(prompt, vocabulary)) : null;
  return (
    <div className="field sample-prompt">
      <label htmlFor={id}>Prompt</label>
      <textarea
        id={id}
        rows={3}
        value={prompt}
        spellCheck={false}
        placeholder="e.g. ROMEO:"
        aria-describedby={`${id}-hint ${id}-skipped`}
        onChange={(e) => setPrompt(e.currentTarget.value)}
        onKeyDown={(e) => {
          // Ctrl/Cmd+Enter generates without leaving the keyboard; plain Enter stays a newline.
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            onGenerate();
          }
        }}
      />
      <small id={`${id}-hint`} className="muted">
        Empty starts from the first token of the text; characters outside the vocabulary are skipped. Ctrl+Enter generates.
      </small>
      {/* Always in the page, so that screen readers announce it when it fills. */}
      <p id={`${id}-skipped`} className="sample-skipped" data-testid="sample-skipped" aria-live="polite">
        {skipped}
      </p>
    </div>
  );
}
