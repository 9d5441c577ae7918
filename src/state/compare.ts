// Runs whose loss curves are drawn beside the current one on the loss chart: a saved run, or
// a run a lesson trained a moment ago. Each is a snapshot of its history with a label saying
// how it differs from the run being compared with ("no causal mask", "lr 1e-2"). A vanilla
// store, so that code outside React (lessons, the saved-runs list) can add and remove runs.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { DemoState } from '../persist/demo';

export interface ComparedRun {
  id: string;
  label: string;
  steps: { step: number; loss: number }[];
  evals: { step: number; train: number; val: number }[];
}

export interface CompareState {
  runs: ComparedRun[];
  /** Bumped on every change, so subscribers can compare one number. */
  version: number;
}

export const compareStore: StoreApi<CompareState> = createStore<CompareState>()(() => ({ runs: [], version: 0 }));

/** Adds a run to the comparison; a run with the same id is replaced where it stands. */
export function addComparedRun(run: ComparedRun): void {
  const s = compareStore.getState();
  const at = s.runs.findIndex((r) => r.id === run.id);
  const runs = at < 0 ? [...s.runs, run] : s.runs.map((r, i) => (i === at ? run : r));
  compareStore.setState({ runs, version: s.version + 1 });
}

export function removeComparedRun(id: string): void {
  const s = compareStore.getState();
  if (!s.runs.some((r) => r.id === id)) return;
  compareStore.setState({ runs: s.runs.filter((r) => r.id !== id), version: s.version + 1 });
}

export function clearComparedRuns(): void {
  const s = compareStore.getState();
  if (s.runs.length === 0) return;
  compareStore.setState({ runs: [], version: s.version + 1 });
}

/** What a label is built from: the settings that shape a loss curve. */
export type DemoLike = Pick<DemoState, 'model' | 'tokenizer' | 'train'> & { corpus: { source: DemoState['corpus']['source'] } };

/** At most this many differences are named; the rest are counted ("+2 more"). */
const MAX_NAMED = 3;

/** A number as people write hyperparameters: "1e-3", "2.5e-4", "0.05", "2,000". */
function num(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 0.01 && a < 1e6) return Number.isInteger(x) ? x.toLocaleString('en-US') : String(Number(x.toPrecision(3)));
  const [mant, exp] = x.toExponential(2).split('e');
  return `${mant.replace(/\.?0+$/, '')}e${Number(exp)}`;
}

/** A learning rate as people write one: "1e-2", "3e-4", but "0.1". */
function rate(x: number): string {
  const a = Math.abs(x);
  if (a === 0 || a >= 0.1 || !Number.isFinite(x)) return num(x);
  const [mant, exp] = x.toExponential(2).split('e');
  return `${mant.replace(/\.?0+$/, '')}e${Number(exp)}`;
}

const plural = (n: number, one: string, many: string) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

function sourceName(s: DemoLike['corpus']['source']): string {
  if (s.kind === 'sample') return `${s.id} text`;
  if (s.kind === 'file') return `file ${s.name}`;
  return 'pasted text';
}

function tokenizerName(t: DemoLike['tokenizer']): string {
  return t.kind === 'bpe' ? `BPE ${t.vocabSize}` : 'char tokens';
}

/**
 * How `a` differs from `b`, in the words of a's settings, most telling first: the model's
 * variants, then its sizes, the data, then the training settings. Evaluation settings, which
 * do not change the training, come last.
 */
function differences(a: DemoLike, b: DemoLike): string[] {
  const out: string[] = [];
  const am = a.model;
  const bm = b.model;
  if (am.causal !== bm.causal) out.push(am.causal ? 'causal mask' : 'no causal mask');
  if (am.norm !== bm.norm) out.push(am.norm === 'post' ? 'post-LN' : 'pre-LN');
  if (am.activation !== bm.activation) out.push(am.activation === 'relu' ? 'ReLU' : 'GELU');
  if (am.positions !== bm.positions) out.push(`${am.positions} positions`);
  if (am.nLayer !== bm.nLayer) out.push(plural(am.nLayer, 'layer', 'layers'));
  if (am.nHead !== bm.nHead) out.push(plural(am.nHead, 'head', 'heads'));
  if (am.nEmbd !== bm.nEmbd) out.push(`width ${am.nEmbd}`);
  if (am.blockSize !== bm.blockSize) out.push(`block ${am.blockSize}`);
  const as = a.corpus.source;
  const bs = b.corpus.source;
  if (sourceName(as) !== sourceName(bs)) out.push(sourceName(as));
  if (tokenizerName(a.tokenizer) !== tokenizerName(b.tokenizer)) out.push(tokenizerName(a.tokenizer));
  const at = a.train;
  const bt = b.train;
  const train: [keyof DemoLike['train'], (v: number) => string][] = [
    ['lr', (v) => `lr ${rate(v)}`],
    ['minLr', (v) => `min lr ${rate(v)}`],
    ['warmupSteps', (v) => `warm-up ${num(v)}`],
    ['batchSize', (v) => `batch ${num(v)}`],
    ['gradAccumSteps', (v) => `accumulate ${num(v)}`],
    ['weightDecay', (v) => (v === 0 ? 'no weight decay' : `weight decay ${num(v)}`)],
    ['gradClip', (v) => (v === 0 ? 'no clipping' : `clip ${num(v)}`)],
    ['beta1', (v) => `β1 ${num(v)}`],
    ['beta2', (v) => `β2 ${num(v)}`],
    ['eps', (v) => `eps ${rate(v)}`],
    ['seed', (v) => `seed ${num(v)}`],
    ['maxSteps', (v) => plural(v, 'step', 'steps')],
    ['evalEvery', (v) => (v === 0 ? 'no evaluation' : `eval every ${num(v)}`)],
    ['evalIters', (v) => `eval ${plural(v, 'batch', 'batches')}`],
  ];
  // train.blockSize follows the model's block size (currentDemo sets it so): not named twice.
  for (const [key, say] of train) if (at[key] !== bt[key]) out.push(say(at[key]));
  return out;
}

/** A label naming what differs between `a` and `b` (DemoState-like settings), e.g. "no causal mask", "post-LN", "lr 1e-2", "sinusoidal positions"; falls back to the given name. */
export function describeDifference(a: DemoLike, b: DemoLike, fallback: string): string {
  const diff = differences(a, b);
  if (diff.length === 0) return fallback;
  const named = diff.slice(0, MAX_NAMED).join(', ');
  return diff.length > MAX_NAMED ? `${named} +${diff.length - MAX_NAMED} more` : named;
}
