// Between the store and the one serializable DemoState that a share link, an autosave and a
// checkpoint carry: what the current demo is, and how to make the store show a given one.
import { findCorpus } from '../corpora';
import { compactHistory, DEMO_FORMAT, DEMO_VERSION, type DemoHistory, type DemoState } from '../persist/demo';
import type { ModelInit } from '../core/protocol';
import type { AppState } from './types';
import { useAppStore } from './store';
import { metricsStore, resetMetrics } from './metrics';

/**
 * The current demo. With `history`, it carries the loss curve of the current weights (cut to
 * a few hundred points), as a link or a checkpoint does; a saved run keeps its own, whole.
 */
export function currentDemo(s: AppState = useAppStore.getState(), opts: { history?: boolean } = {}): DemoState {
  const source = s.source.kind === 'file' ? { kind: 'file' as const, name: s.source.name } : s.source;
  return {
    format: DEMO_FORMAT,
    version: DEMO_VERSION,
    corpus: { source, text: source.kind === 'sample' ? '' : s.text },
    tokenizer: s.tokenizer,
    model: s.model,
    train: { ...s.train, blockSize: s.model.blockSize },
    sample: { ...s.sampling, prompt: s.prompt, maxTokens: s.maxTokens, seed: s.sampleSeed },
    ...(opts.history && s.modelReport ? { history: compactHistory(currentHistory()) } : {}),
  };
}

/** The chart's history as a demo carries it. */
export function currentHistory(): DemoHistory {
  const m = metricsStore.getState();
  return { steps: m.steps.map((x) => ({ step: x.step, loss: x.loss })), evals: m.evals };
}

/** Puts a history on the chart (rates and timings are not kept: they show as unknown). */
export function showHistory(h: DemoHistory): void {
  metricsStore.setState({
    steps: h.steps.map((x) => ({ step: x.step, loss: x.loss, lr: NaN, tokensPerSec: NaN, stepMs: NaN })),
    evals: h.evals,
    lrMarks: [],
    version: metricsStore.getState().version + 1,
  });
}

/** Weights the next model build starts from: saved (with Adam state) or a link's int8 ones. */
export type InitialWeights = ModelInit;

/**
 * Puts a demo into the store; with weights, the next model build starts from them and the
 * chart shows the history that led to them (a demo without weights starts a new run).
 */
export function applyDemo(demo: DemoState, weights: InitialWeights | null = null): void {
  let text = demo.corpus.text;
  const src = demo.corpus.source;
  if (src.kind === 'sample') {
    const corpus = findCorpus(src.id);
    if (!corpus) throw new Error(`the demo uses a sample text "${src.id}" that this version does not have`);
    text = corpus.text();
  }
  const s = useAppStore.getState();
  s.invalidateModel();
  resetMetrics();
  useAppStore.setState({
    text,
    source: src.kind === 'file' ? { kind: 'file', name: src.name, size: text.length } : src,
    tokenizer: demo.tokenizer,
    dataReport: null,
    dataError: null,
    model: demo.model,
    train: demo.train,
    sampling: { temperature: demo.sample.temperature, topK: demo.sample.topK, topP: demo.sample.topP, greedy: demo.sample.greedy },
    prompt: demo.sample.prompt,
    maxTokens: demo.sample.maxTokens,
    sampleSeed: demo.sample.seed,
    sampleTokens: [],
    attention: null,
    initialWeights: weights,
  });
  if (weights && demo.history) showHistory(demo.history);
}
