// Words and numbers for the Keep & share panel: link sizes, "saved 12 s ago", the ONNX
// check's verdict, one-line model summaries and run-name validation. Pure, so they are unit
// tested without a browser.
import type { RunSummary } from '../../state/persist';
import { formatBytes } from '../../core/format';

export { formatBytes };

/** What a share link carries, as the line under the Share button. */
export function describeLink(link: { bytes: number; includesWeights: boolean }): string {
  const size = `${formatBytes(link.bytes)} link`;
  return link.includesWeights ? `${size}, with the trained weights` : `${size}, demo only: retrains the same model from the same seed`;
}

/**
 * Why an over-budget link is missing something, and what to do instead; null when it is
 * complete. Over budget even without weights means the pasted text itself is too long.
 */
export function overBudgetNote(link: { bytes: number; overBudget: boolean }, budget: number): string | null {
  if (!link.overBudget) return null;
  if (link.bytes > budget) {
    return `Even without the weights this link is ${formatBytes(link.bytes)}, more than links can carry reliably (${formatBytes(budget)}): the text is too long. Share the checkpoint file instead (Export checkpoint (.safetensors)): it holds the text too.`;
  }
  return 'The trained weights are too big for a link, so it carries the demo only. To share the weights, use Export checkpoint (.safetensors) and send the file.';
}

/**
 * Elapsed time since `then`, coarse enough to tick every few seconds without flicker:
 * "just now" under 5 s, then seconds in steps of 5, minutes, hours, then days.
 */
export function formatAgo(then: number, now: number): string {
  const s = Math.max(0, (now - then) / 1000);
  if (!Number.isFinite(s)) return 'some time ago';
  if (s < 5) return 'just now';
  if (s < 60) return `${Math.floor(s / 5) * 5} s ago`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min ago`;
  const h = Math.floor(min / 60);
  if (h < 24) return `${h} h ago`;
  const d = Math.floor(h / 24);
  return d === 1 ? 'yesterday' : `${d} days ago`;
}

export type AutosaveView = { kind: 'saving' } | { kind: 'saved'; text: string } | { kind: 'idle'; text: string } | { kind: 'off'; text: string };

/**
 * The autosave line. An error is shown apart (FieldError), so it is not decided here. A run
 * another tab owns is shown read-only here: nothing is saved, and the line says so first.
 */
export function autosaveView(p: { saving: boolean; lastSavedAt: number | null; access?: 'owner' | 'read-only' }, now: number): AutosaveView {
  if (p.access === 'read-only') return { kind: 'off', text: 'Autosave is off: another tab has this run open, so this tab shows it read-only and saves nothing.' };
  if (p.saving) return { kind: 'saving' };
  if (p.lastSavedAt !== null) return { kind: 'saved', text: `Saved ${formatAgo(p.lastSavedAt, now)}` };
  // Worded without "saved", so a test waiting for /saved/ waits for a real save.
  return { kind: 'idle', text: 'Autosave is on: the run is stored while you train and when you pause.' };
}

/** "3.1e-6"; plain "0"; words for non-finite values (a broken export can produce NaN). */
export function formatSci(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  if (x === 0) return '0';
  const [mant, e] = x.toExponential(1).split('e');
  return `${mant}e${Number(e)}`;
}

export interface OnnxCheck {
  maxAbsDiff: number;
  maxRelDiff: number;
  tokens: number;
}

/** Relative differences under this are float32 rounding between two correct implementations. */
export const ONNX_OK_RELATIVE = 1e-4;

export function describeOnnxCheck(r: OnnxCheck): string {
  const positions = r.tokens === 1 ? 'position' : 'positions';
  return `max |Δlogit| = ${formatSci(r.maxAbsDiff)} over ${r.tokens} ${positions} (relative ${formatSci(r.maxRelDiff)})`;
}

/** NaN compares false with everything, so it lands on 'warn' as it should. */
export const onnxVerdict = (r: OnnxCheck): 'ok' | 'warn' => (r.maxRelDiff < ONNX_OK_RELATIVE ? 'ok' : 'warn');

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** "2 layers · 4 heads · width 64", then whatever differs from GPT-2's choices. */
export function modelSummary(m: RunSummary['model']): string {
  const parts = [plural(m.nLayer, 'layer'), plural(m.nHead, 'head'), `width ${m.nEmbd}`];
  if (m.norm === 'post') parts.push('post-LN');
  if (m.activation === 'relu') parts.push('ReLU');
  if (m.positions === 'sinusoidal') parts.push('sinusoidal positions');
  if (!m.causal) parts.push('no causal mask');
  return parts.join(' · ');
}

export function tokenizerSummary(t: RunSummary['tokenizer']): string {
  return t.kind === 'bpe' ? `BPE ${t.vocabSize}` : 'characters';
}

/** "step 1,200" with a fixed separator, so the same run reads the same everywhere. */
export const formatStep = (step: number): string => `step ${Math.round(step).toLocaleString('en-US')}`;

/** Within a day relative ("5 min ago"), older as a date: a list is scanned for recency. */
export function formatUpdated(at: number, now: number): string {
  if (now - at < 24 * 3600 * 1000) return formatAgo(at, now);
  return new Date(at).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}

export const MAX_RUN_NAME = 120;

/** The name to save, or the reason it cannot be saved. */
export function checkRunName(draft: string): { ok: true; name: string } | { ok: false; message: string } {
  const name = draft.trim();
  if (!name) return { ok: false, message: 'A run needs a name.' };
  if (name.length > MAX_RUN_NAME) return { ok: false, message: `Names are at most ${MAX_RUN_NAME} characters (this one has ${name.length}).` };
  return { ok: true, name };
}

/** A message from whatever a persistence call threw. */
export const errorMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e));
