// The one serializable object that defines a demo: corpus, tokenizer, model, training and
// sampling settings. The share link, the autosave and the checkpoint file all carry it, so a
// demo means the same thing wherever it travels. It arrives from untrusted places (a link,
// a file), so parseDemo validates every field and names the first bad one.
import { DEFAULT_CONFIG, validateConfig, type GPTConfig } from '../core/config';
import { DEFAULT_TRAIN, validateSettings, type TrainSettings } from '../core/settings';
import { DEFAULT_SAMPLING, type SamplingSettings } from '../core/distribution';

export const DEMO_FORMAT = 'gpt-playground/demo';
export const DEMO_VERSION = 1;

export type CorpusSource = { kind: 'sample'; id: string } | { kind: 'paste' } | { kind: 'file'; name: string };

export interface DemoState {
  format: typeof DEMO_FORMAT;
  version: typeof DEMO_VERSION;
  /** The text is omitted (empty) for a shipped sample: its id regenerates it. */
  corpus: { source: CorpusSource; text: string };
  tokenizer: { kind: 'char' } | { kind: 'bpe'; vocabSize: number };
  model: Omit<GPTConfig, 'vocabSize'>;
  train: TrainSettings;
  sample: SamplingSettings & { prompt: string; maxTokens: number; seed: number };
  /**
   * The loss curve of the weights the demo travels with (a link, a checkpoint, a shipped demo),
   * so whoever opens it sees how the model got there. Absent: no history (settings only).
   */
  history?: DemoHistory;
}

export interface DemoHistory {
  steps: { step: number; loss: number }[];
  evals: { step: number; train: number; val: number }[];
}

export class InvalidDemoError extends Error {
  override name = 'InvalidDemoError';
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function num(o: Record<string, unknown>, key: string, where: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new InvalidDemoError(`${where}.${key} must be a finite number`);
  return v;
}

function str(o: Record<string, unknown>, key: string, where: string, max = 50_000_000): string {
  const v = o[key];
  if (typeof v !== 'string') throw new InvalidDemoError(`${where}.${key} must be text`);
  if (v.length > max) throw new InvalidDemoError(`${where}.${key} is too long`);
  return v;
}

function oneOf<T extends string>(o: Record<string, unknown>, key: string, where: string, values: readonly T[]): T {
  const v = o[key];
  if (!values.includes(v as T)) throw new InvalidDemoError(`${where}.${key} must be one of ${values.join(', ')}`);
  return v as T;
}

/** Most points of a history a demo carries: a link stays small, the curve keeps its shape. */
export const MAX_HISTORY_POINTS = 400;
/** Most entries parseDemo accepts in each of a history's lists. */
const MAX_HISTORY_ENTRIES = 100_000;

/**
 * A history cut to at most `maxPoints` training points and evaluations: evenly spaced, with
 * the first and the last kept. Non-finite losses are dropped (JSON cannot carry them, and a
 * blow-up that was rewound is not part of the run).
 */
export function compactHistory(h: DemoHistory, maxPoints = MAX_HISTORY_POINTS): DemoHistory {
  const thin = <T>(xs: T[]): T[] => {
    if (xs.length <= maxPoints) return xs;
    const out: T[] = [];
    for (let i = 0; i < maxPoints; i++) out.push(xs[Math.round((i * (xs.length - 1)) / (maxPoints - 1))]);
    return out;
  };
  return {
    steps: thin(h.steps.filter((x) => Number.isFinite(x.loss)).map((x) => ({ step: x.step, loss: x.loss }))),
    evals: thin(h.evals.filter((e) => Number.isFinite(e.train) && Number.isFinite(e.val)).map((e) => ({ step: e.step, train: e.train, val: e.val }))),
  };
}

function parseHistory(h: unknown): DemoHistory {
  if (!isObj(h) || !Array.isArray(h.steps) || !Array.isArray(h.evals)) throw new InvalidDemoError('history must have lists "steps" and "evals"');
  if (h.steps.length > MAX_HISTORY_ENTRIES || h.evals.length > MAX_HISTORY_ENTRIES) throw new InvalidDemoError('history is too long');
  let last = -1;
  const steps = h.steps.map((x, i) => {
    if (!isObj(x)) throw new InvalidDemoError(`history.steps[${i}] is not a point`);
    const step = num(x, 'step', `history.steps[${i}]`);
    if (!Number.isInteger(step) || step <= last) throw new InvalidDemoError(`history.steps[${i}].step must be a whole number above the one before`);
    last = step;
    return { step, loss: num(x, 'loss', `history.steps[${i}]`) };
  });
  const evals = h.evals.map((x, i) => {
    if (!isObj(x)) throw new InvalidDemoError(`history.evals[${i}] is not an evaluation`);
    const where = `history.evals[${i}]`;
    const step = num(x, 'step', where);
    if (!Number.isInteger(step) || step < 0) throw new InvalidDemoError(`${where}.step must be a whole number`);
    return { step, train: num(x, 'train', where), val: num(x, 'val', where) };
  });
  return { steps, evals };
}

/** Validates an untrusted value as a DemoState; throws InvalidDemoError naming the bad field. */
export function parseDemo(value: unknown): DemoState {
  if (!isObj(value)) throw new InvalidDemoError('not a demo object');
  if (value.format !== DEMO_FORMAT) throw new InvalidDemoError('not a GPT Playground demo');
  if (value.version !== DEMO_VERSION) throw new InvalidDemoError(`demo version ${String(value.version)} is not supported`);
  const c = value.corpus;
  if (!isObj(c) || !isObj(c.source)) throw new InvalidDemoError('corpus is missing');
  const kind = oneOf(c.source, 'kind', 'corpus.source', ['sample', 'paste', 'file'] as const);
  const source: CorpusSource =
    kind === 'sample' ? { kind, id: str(c.source, 'id', 'corpus.source', 100) } : kind === 'file' ? { kind, name: str(c.source, 'name', 'corpus.source', 1000) } : { kind };
  const text = str(c, 'text', 'corpus');
  if (kind !== 'sample' && text.length === 0) throw new InvalidDemoError('corpus.text is empty');
  const t = value.tokenizer;
  if (!isObj(t)) throw new InvalidDemoError('tokenizer is missing');
  const tkind = oneOf(t, 'kind', 'tokenizer', ['char', 'bpe'] as const);
  const tokenizer = tkind === 'bpe' ? { kind: tkind, vocabSize: num(t, 'vocabSize', 'tokenizer') } : { kind: tkind };
  const m = value.model;
  if (!isObj(m)) throw new InvalidDemoError('model is missing');
  const model: DemoState['model'] = {
    nLayer: num(m, 'nLayer', 'model'),
    nHead: num(m, 'nHead', 'model'),
    nEmbd: num(m, 'nEmbd', 'model'),
    blockSize: num(m, 'blockSize', 'model'),
    norm: oneOf(m, 'norm', 'model', ['pre', 'post'] as const),
    activation: oneOf(m, 'activation', 'model', ['gelu', 'relu'] as const),
    positions: oneOf(m, 'positions', 'model', ['learned', 'sinusoidal'] as const),
    causal: m.causal === true || m.causal === false ? m.causal : DEFAULT_CONFIG.causal,
  };
  const problems = validateConfig({ ...model, vocabSize: 2 });
  if (problems.length) throw new InvalidDemoError(`model: ${problems[0]}`);
  const tr = value.train;
  if (!isObj(tr)) throw new InvalidDemoError('train is missing');
  const train = { ...DEFAULT_TRAIN };
  for (const key of Object.keys(DEFAULT_TRAIN) as (keyof TrainSettings)[]) train[key] = num(tr, key, 'train');
  const tp = validateSettings(train, model.blockSize);
  if (tp.length) throw new InvalidDemoError(`train: ${tp[0]}`);
  const s = value.sample;
  if (!isObj(s)) throw new InvalidDemoError('sample is missing');
  const sample = {
    temperature: num(s, 'temperature', 'sample'),
    topK: num(s, 'topK', 'sample'),
    topP: num(s, 'topP', 'sample'),
    greedy: s.greedy === true,
    prompt: str(s, 'prompt', 'sample', 100_000),
    maxTokens: num(s, 'maxTokens', 'sample'),
    seed: num(s, 'seed', 'sample'),
  };
  const demo: DemoState = { format: DEMO_FORMAT, version: DEMO_VERSION, corpus: { source, text }, tokenizer, model, train, sample };
  if (value.history !== undefined) demo.history = parseHistory(value.history);
  return demo;
}

export const DEFAULT_DEMO_SAMPLE = { ...DEFAULT_SAMPLING, prompt: '', maxTokens: 200, seed: 42 };

/**
 * The demo a checkpoint file carries, checked against the model and tokenizer the file holds:
 * a mismatch means an edited file. Throws InvalidDemoError whose message names the problem.
 */
export function checkpointDemo(raw: unknown, config: GPTConfig, tokenizerKind: string | null): DemoState {
  let demo: DemoState;
  try {
    demo = parseDemo(raw);
  } catch (e) {
    throw new InvalidDemoError(`The checkpoint's "demo" metadata: ${(e as Error).message}`);
  }
  for (const key of Object.keys(demo.model) as (keyof DemoState['model'])[]) {
    if (demo.model[key] !== config[key]) {
      throw new InvalidDemoError(`The checkpoint's demo has ${key} ${String(demo.model[key])} but its config has ${String(config[key])} (the file was edited).`);
    }
  }
  if (tokenizerKind !== null && demo.tokenizer.kind !== tokenizerKind) {
    throw new InvalidDemoError(`The checkpoint's demo uses a ${demo.tokenizer.kind} tokenizer but its tokenizer is ${tokenizerKind} (the file was edited).`);
  }
  return demo;
}
