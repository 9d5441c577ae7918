// The Data panel's state: the text, where it came from, the tokenizer and the stats the
// worker reports once it has tokenized it.
import type { StateCreator } from 'zustand';
import type { DataReport, TokenizerChoice } from '../../core/protocol';
import { engine } from '../engine';
import { asWire, type AppState } from '../types';

export type TextSource = { kind: 'sample'; id: string } | { kind: 'paste' } | { kind: 'file'; name: string; size: number };

export interface DataSlice {
  text: string;
  source: TextSource;
  tokenizer: TokenizerChoice;
  /** The (text, tokenizer) the worker holds; null when the text changed since. */
  dataReport: DataReport | null;
  dataBusy: boolean;
  dataError: string | null;
  dataProgress: { fraction: number; message: string } | null;
  setText: (text: string, source: TextSource) => void;
  setTokenizer: (t: TokenizerChoice) => void;
  /** Sends the text to the worker to tokenize (if it changed); resolves false on error. */
  applyData: () => Promise<boolean>;
}

/** Characters of the text's opening that become the prompt when the text changes. */
export const OPENING_PROMPT_CHARS = 12;

/**
 * The prompt for a new text: its first few characters (whole code points, first line only,
 * leading blank lines skipped), so that a prompt from another text never lingers and the
 * model starts from something it has seen.
 */
export function openingPrompt(text: string): string {
  const start = text.search(/[^\r\n]/);
  if (start < 0) return '';
  const line = text.slice(start).split(/\r?\n/, 1)[0];
  return Array.from(line).slice(0, OPENING_PROMPT_CHARS).join('');
}

export const createDataSlice: StateCreator<AppState, [], [], DataSlice> = (set, get) => ({
  text: '',
  source: { kind: 'paste' },
  tokenizer: { kind: 'char' },
  dataReport: null,
  dataBusy: false,
  dataError: null,
  dataProgress: null,
  setText: (text, source) => {
    // A sample sets its own prompt right after (chooseSample); pasted or opened text gets its opening.
    set({ text, source, dataReport: null, dataError: null, prompt: openingPrompt(text) });
    get().invalidateModel();
  },
  setTokenizer: (tokenizer) => {
    set({ tokenizer, dataReport: null, dataError: null });
    get().invalidateModel();
  },
  applyData: async () => {
    if (get().dataReport) return true;
    set({ dataBusy: true, dataError: null, dataProgress: null });
    try {
      const { text, tokenizer } = get();
      const dataReport = await engine().request('setData', { text, tokenizer });
      // The text may have changed while the worker tokenized: keep the result only if not.
      if (get().text === text && get().tokenizer === tokenizer) set({ dataReport });
      return true;
    } catch (e) {
      set({ dataError: asWire(e).message });
      return false;
    } finally {
      set({ dataBusy: false, dataProgress: null });
    }
  },
});
