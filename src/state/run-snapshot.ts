// Between the running session and a saved run: what the session is as a SavedRun (weights,
// Adam state, history, last sample), how to show a saved run, and how runs are named and
// numbered. No decisions about which tab saves what: that is run-session.ts.
import type { SavedRun } from '../persist/runs';
import { applyDemo, currentDemo, currentHistory, showHistory } from './demo';
import { engine } from './engine';
import { useAppStore } from './store';

/** Longest name a copy gets (the list's rename allows 120 characters). */
const MAX_COPY_NAME = 120;

export function newRunId(): string {
  return `run-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Identifies this tab in the news it sends to other tabs. */
export function newTabId(): string {
  return `tab-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** "Name (copy)", shortened so that the suffix always shows. */
export function copyName(name: string): string {
  const suffix = ' (copy)';
  const base = name.length + suffix.length > MAX_COPY_NAME ? `${name.slice(0, MAX_COPY_NAME - suffix.length - 1)}…` : name;
  return `${base}${suffix}`;
}

export function modelName(): string {
  const m = useAppStore.getState().model;
  return `L${m.nLayer}-H${m.nHead}-C${m.nEmbd}`;
}

export function defaultRunName(): string {
  const s = useAppStore.getState();
  const what = s.source.kind === 'sample' ? s.source.id : s.source.kind === 'file' ? s.source.name : 'pasted text';
  return `${what} · ${modelName()} · ${new Date().toLocaleString('en')}`;
}

/** The session as a run to save under `id` and `name`: asks the worker for its weights. */
export async function snapshotSession(id: string, name: string): Promise<SavedRun> {
  const s = useAppStore.getState();
  const state = await engine().request('getState');
  const sample = s.sampleTokens.map((t) => t.text).join('');
  return {
    id,
    name,
    updatedAt: Date.now(),
    demo: currentDemo(),
    step: state.step,
    params: state.params,
    adam: state.m && state.v ? { m: state.m, v: state.v } : undefined,
    history: currentHistory(),
    samples: sample ? [sample] : [],
  };
}

/**
 * The first of a run's weight arrays holding NaN or infinity, or null. A save with such
 * weights is never written: it would replace a usable save with a broken model.
 */
export function nonFiniteWeights(run: Pick<SavedRun, 'params' | 'adam'>): 'weights' | 'Adam m' | 'Adam v' | null {
  const bad = (a: Float32Array | undefined) => {
    if (!a) return false;
    for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return true;
    return false;
  };
  if (bad(run.params)) return 'weights';
  if (bad(run.adam?.m)) return 'Adam m';
  if (bad(run.adam?.v)) return 'Adam v';
  return null;
}

/** Puts a saved run into the stores; its model is built from its weights by the caller. */
export function showSavedRun(run: SavedRun): void {
  applyDemo(run.demo, run.params ? { params: run.params, m: run.adam?.m, v: run.adam?.v, step: run.step } : null);
  showHistory(run.history);
}
