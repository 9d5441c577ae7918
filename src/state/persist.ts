// Keeping and sharing a demo: share links, checkpoint and ONNX files, and the autosave of the
// running session to IndexedDB (periodically, on pause, and when the tab is hidden), with the
// restore on load: a link in the address, else the last active run.
import { create } from 'zustand';
import type { OnnxCheck, OnnxProvider } from '../core/protocol';
import { checkpointDemo, parseDemo } from '../persist/demo';
import { openRunStore, type RunStore, type RunSummary } from '../persist/runs';
import { decodeShareLink, encodeShareLink, SHARE_PREFIX } from '../persist/share';

export type { RunSummary } from '../persist/runs';
export { DEFAULT_LINK_BUDGET } from '../persist/share';
import { applyDemo, currentDemo } from './demo';
import { engine } from './engine';
import { metricsStore } from './metrics';
import { useAppStore } from './store';

export interface PersistState {
  runId: string | null;
  lastSavedAt: number | null;
  saving: boolean;
  storageError: string | null;
  linkError: string | null;
  /** Bumped whenever the list of saved runs changes. */
  runsVersion: number;
}

export const usePersistStore = create<PersistState>()(() => ({ runId: null, lastSavedAt: null, saving: false, storageError: null, linkError: null, runsVersion: 0 }));

const AUTOSAVE_MS = 30_000;
let store: Promise<RunStore> | null = null;
/** The run id the next model build belongs to (set when a saved run is reopened). */
let pendingRunId: string | null = null;

function runs(): Promise<RunStore> {
  store ??= openRunStore().catch((e: unknown) => {
    store = null;
    throw e;
  });
  return store;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

function requireModel() {
  const s = useAppStore.getState();
  if (!s.modelReport || !s.dataReport) throw new Error('There is no model yet: train it (or press Step once) first.');
  return { config: s.modelReport.config, tokenizer: s.dataReport.tokenizer };
}

function modelName(): string {
  const m = useAppStore.getState().model;
  return `L${m.nLayer}-H${m.nHead}-C${m.nEmbd}`;
}

export async function shareLink(): Promise<{ url: string; bytes: number; includesWeights: boolean; overBudget: boolean }> {
  const s = useAppStore.getState();
  const weights = s.modelReport ? await engine().request('quantizedParams') : undefined;
  const enc = await encodeShareLink(currentDemo(), weights);
  const url = `${location.origin}${location.pathname}${location.search}${enc.fragment}`;
  return { url, bytes: enc.bytes, includesWeights: enc.includesWeights, overBudget: enc.overBudget };
}

export async function exportCheckpointFile(): Promise<{ blob: Blob; filename: string }> {
  requireModel();
  const { bytes, step } = await engine().request('exportCheckpoint', { demo: currentDemo() });
  return { blob: new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }), filename: `gpt-playground-${modelName()}-step${step}.safetensors` };
}

export async function importCheckpointFile(file: File): Promise<void> {
  const imp = await engine().request('readCheckpoint', { bytes: new Uint8Array(await file.arrayBuffer()) });
  await saveNow();
  if (imp.demo === null) {
    throw new Error(
      'This checkpoint has no GPT Playground demo in its metadata, so the text it was trained on is unknown. Export it from the playground, or add the metadata as docs/checkpoints.md shows.',
    );
  }
  applyDemo(checkpointDemo(imp.demo, imp.config, imp.tokenizer?.kind ?? null), { params: imp.params, step: imp.step });
  pendingRunId = null;
  if (!(await useAppStore.getState().createModel())) {
    const s = useAppStore.getState();
    throw new Error(s.modelError?.message ?? s.dataError ?? 'the model could not be built from this checkpoint');
  }
  if (imp.tokenizer && JSON.stringify(imp.tokenizer) !== JSON.stringify(useAppStore.getState().dataReport?.tokenizer)) {
    throw new Error('The checkpoint was loaded, but its tokenizer differs from the one built from its text: samples will not match the original.');
  }
}

export async function exportOnnxFile(): Promise<{ blob: Blob; filename: string }> {
  requireModel();
  const { bytes, step } = await engine().request('exportOnnx');
  return { blob: new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }), filename: `gpt-playground-${modelName()}-step${step}.onnx` };
}

/** Runs the ONNX export through onnxruntime-web (in the worker) and compares its logits with our engine's. */
export async function verifyOnnx(provider: OnnxProvider): Promise<OnnxCheck> {
  requireModel();
  return engine().request('verifyOnnx', { provider, prompt: useAppStore.getState().prompt });
}

export async function listRuns(): Promise<RunSummary[]> {
  return (await runs()).list();
}

export async function renameRun(id: string, name: string): Promise<void> {
  await (await runs()).rename(id, name);
  usePersistStore.setState((p) => ({ runsVersion: p.runsVersion + 1 }));
}

export async function deleteRun(id: string): Promise<void> {
  const r = await runs();
  await r.remove(id);
  // Deleting the current run keeps autosave going, under a new id.
  if (usePersistStore.getState().runId === id) usePersistStore.setState({ runId: newRunId() });
  usePersistStore.setState((p) => ({ runsVersion: p.runsVersion + 1 }));
}

export async function openRun(id: string): Promise<void> {
  await saveNow(); // the session being left keeps its latest steps
  const run = await (await runs()).load(id);
  if (!run) throw new Error('That run is no longer saved.');
  applyDemo(run.demo, run.params ? { params: run.params, m: run.adam?.m, v: run.adam?.v, step: run.step } : null);
  metricsStore.setState({
    steps: run.history.steps.map((x) => ({ step: x.step, loss: x.loss, lr: NaN, tokensPerSec: NaN, stepMs: NaN })),
    evals: run.history.evals,
    lrMarks: [],
    version: metricsStore.getState().version + 1,
  });
  pendingRunId = id;
  usePersistStore.setState({ runId: id });
  await (await runs()).setLastActiveId(id);
  if (run.params) await useAppStore.getState().createModel();
}

/** Saves the current run (weights, Adam state, history, last sample). */
export async function saveNow(): Promise<void> {
  const s = useAppStore.getState();
  const p = usePersistStore.getState();
  if (!s.modelReport || p.saving || !p.runId) return;
  usePersistStore.setState({ saving: true });
  try {
    const state = await engine().request('getState');
    const m = metricsStore.getState();
    const sample = s.sampleTokens.map((t) => t.text).join('');
    const name = (await (await runs()).list()).find((r) => r.id === p.runId)?.name ?? defaultRunName();
    await (await runs()).save({
      id: p.runId,
      name,
      updatedAt: Date.now(),
      demo: currentDemo(),
      step: state.step,
      params: state.params,
      adam: state.m && state.v ? { m: state.m, v: state.v } : undefined,
      history: { steps: m.steps.map((x) => ({ step: x.step, loss: x.loss })), evals: m.evals },
      samples: sample ? [sample] : [],
    });
    await (await runs()).setLastActiveId(p.runId);
    usePersistStore.setState((q) => ({ lastSavedAt: Date.now(), storageError: null, runsVersion: q.runsVersion + 1 }));
  } catch (e) {
    usePersistStore.setState({ storageError: `Autosave failed: ${message(e)}` });
  } finally {
    usePersistStore.setState({ saving: false });
  }
}

function newRunId(): string {
  return `run-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

function defaultRunName(): string {
  const s = useAppStore.getState();
  const what = s.source.kind === 'sample' ? s.source.id : s.source.kind === 'file' ? s.source.name : 'pasted text';
  return `${what} · ${modelName()} · ${new Date().toLocaleString('en')}`;
}

/** Restores a shared link from the address, else the last active run. */
async function restore(): Promise<void> {
  if (location.hash.startsWith(SHARE_PREFIX)) {
    try {
      const { demo, weights } = await decodeShareLink(location.hash);
      applyDemo(parseDemo(demo), weights ? { quantized: weights.quantized, step: weights.step } : null);
      pendingRunId = null;
      // With weights the model is ready to sample and inspect at once.
      if (weights) await useAppStore.getState().createModel();
    } catch (e) {
      usePersistStore.setState({ linkError: `${message(e)} The default demo is shown instead.` });
    }
    return;
  }
  try {
    const id = await (await runs()).getLastActiveId();
    if (id) await openRun(id);
  } catch (e) {
    usePersistStore.setState({ storageError: `Your saved run could not be reopened: ${message(e)}` });
  }
}

/** Starts the autosave and the restore; returns a function that stops the autosave. */
export function startPersistence(): () => void {
  void restore();
  // A new model (not one reopened from storage) starts a new run.
  const offModel = useAppStore.subscribe((s, prev) => {
    if (s.modelReport && !prev.modelReport) {
      const id = pendingRunId ?? newRunId();
      pendingRunId = null;
      usePersistStore.setState({ runId: id });
    }
    const stopped = prev.trainState === 'running' && s.trainState !== 'running';
    if (stopped) void saveNow();
  });
  const timer = setInterval(() => {
    if (useAppStore.getState().trainState === 'running') void saveNow();
  }, AUTOSAVE_MS);
  const onHide = () => {
    if (document.visibilityState === 'hidden') void saveNow();
  };
  document.addEventListener('visibilitychange', onHide);
  return () => {
    offModel();
    clearInterval(timer);
    document.removeEventListener('visibilitychange', onHide);
  };
}
