// Keeping and sharing a demo: share links, checkpoint and ONNX files, and the autosave of the
// running session to IndexedDB (periodically, on pause, and when the tab is hidden), with the
// restore on load: a link in the address, else this tab's run, else the last active run.
// Which tab may save which run, and saving itself, are in run-session.ts.
import type { OnnxCheck, OnnxProvider } from '../core/protocol';
import { checkpointDemo, parseDemo } from '../persist/demo';
import { decodeShareLink, encodeShareLink, SHARE_PREFIX } from '../persist/share';
import { keepComparedRuns } from './compare-keep';
import { applyDemo, currentDemo } from './demo';
import { demoLoading, demoParam, NO_DEMO, openDefaultDemo, openDemo, setDemoParam, watchCurrentDemo } from './demos';
import { engine } from './engine';
import { usePersistStore, type ConflictChoice } from './persist-store';
import { modelName } from './run-snapshot';
import { runSession, type SavedRunRow } from './run-session';
import { useAppStore } from './store';

export type { RunSummary } from '../persist/runs';
export { DEFAULT_LINK_BUDGET } from '../persist/share';
export { usePersistStore, type ConflictChoice, type OwnershipNotice, type PersistState, type RunAccess, type RunConflict } from './persist-store';
export type { SavedRunRow } from './run-session';

const AUTOSAVE_MS = 30_000;

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

function requireModel() {
  const s = useAppStore.getState();
  if (!s.modelReport || !s.dataReport) throw new Error('There is no model yet: train it (or press Step once) first.');
  return { config: s.modelReport.config, tokenizer: s.dataReport.tokenizer };
}

export async function shareLink(): Promise<{ url: string; bytes: number; includesWeights: boolean; overBudget: boolean }> {
  const s = useAppStore.getState();
  const weights = s.modelReport ? await engine().request('quantizedParams') : undefined;
  const enc = await encodeShareLink(currentDemo(s, { history: !!weights }), weights);
  const url = `${location.origin}${location.pathname}${location.search}${enc.fragment}`;
  return { url, bytes: enc.bytes, includesWeights: enc.includesWeights, overBudget: enc.overBudget };
}

export async function exportCheckpointFile(): Promise<{ blob: Blob; filename: string }> {
  requireModel();
  const { bytes, step } = await engine().request('exportCheckpoint', { demo: currentDemo(useAppStore.getState(), { history: true }) });
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
  runSession.forgetPendingRun();
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

/** Every saved run, most recent first, each marked when another tab has it open. */
export const listRuns = (): Promise<SavedRunRow[]> => runSession.list();
export const renameRun = (id: string, name: string): Promise<void> => runSession.rename(id, name);
export const deleteRun = (id: string): Promise<void> => runSession.remove(id);
/** Opens a saved run from the list; if another tab has it, asks first (the row shows the choices). */
export const openRun = (id: string): Promise<void> => runSession.open(id, 'open');
/** Saves the current run now, if this tab owns it (see run-session.ts). */
export const saveNow = (): Promise<void> => runSession.save();
/** The user's answer about a run open in another tab; 'cancel' keeps what this tab has. */
export const resolveConflict = (choice: ConflictChoice | 'cancel'): Promise<void> => runSession.resolveConflict(choice);
/** From a read-only run: take it over, or fork a copy that this tab owns. */
export const claimReadOnlyRun = (choice: 'take-over' | 'fork'): Promise<void> => runSession.claimReadOnly(choice);
export const dismissOwnershipNotice = (): void => usePersistStore.setState({ ownershipNotice: null });

/**
 * What the page opens with: a shared link in the address; else the demo `?demo=<id>` names
 * (a teacher's link); else this tab's run (a reload), else the last active run; else, unless
 * `?demo=none`, the default shipped demo, so that a first visit starts with a trained model.
 */
async function restore(): Promise<void> {
  const wanted = demoParam();
  if (location.hash.startsWith(SHARE_PREFIX)) {
    try {
      const { demo, weights } = await decodeShareLink(location.hash);
      applyDemo(parseDemo(demo), weights ? { quantized: weights.quantized, step: weights.step } : null);
      runSession.forgetPendingRun();
      // With weights the model is ready to sample and inspect at once.
      if (weights) await useAppStore.getState().createModel();
    } catch (e) {
      const instead = wanted === NO_DEMO ? '' : ' The default demo is shown instead.';
      usePersistStore.setState({ linkError: `${message(e)}${instead}` });
      if (wanted !== NO_DEMO) await openDefaultDemo();
    }
    return;
  }
  if (wanted !== null && wanted !== NO_DEMO) {
    await openDemo(wanted);
    return;
  }
  try {
    const id = await runSession.runToRestore();
    if (id) {
      await runSession.open(id, 'restore');
      return;
    }
  } catch (e) {
    usePersistStore.setState({ storageError: `Your saved run could not be reopened: ${message(e)}` });
  }
  if (wanted !== NO_DEMO) await openDefaultDemo();
}

/**
 * Starts the autosave, listening to other tabs and (once per page: React's StrictMode mounts
 * twice) the restore; returns a function that stops the autosave and the listening.
 */
export function startPersistence(): () => void {
  runSession.restoreOnce(restore);
  const offCompare = keepComparedRuns();
  const disconnect = runSession.connect();
  const offDemo = watchCurrentDemo();
  const offModel = useAppStore.subscribe((s, prev) => {
    // A new model (not one reopened from storage, nor a shipped demo) starts a new run.
    if (s.modelReport && !prev.modelReport && !demoLoading()) runSession.onModelBuilt();
    const started = s.trainState === 'running' && prev.trainState !== 'running';
    const stepped = !!s.modelReport && s.modelReport === prev.modelReport && s.step > prev.step;
    // A shipped demo becomes a run of the user's once it is trained; a reload then reopens it.
    if ((started || stepped) && !usePersistStore.getState().runId) {
      runSession.onModelBuilt();
      const param = demoParam();
      if (param !== null && param !== NO_DEMO) setDemoParam(null);
    }
    if ((started || stepped) && usePersistStore.getState().access === 'read-only') void runSession.forkForTraining();
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
    offCompare();
    offModel();
    offDemo();
    disconnect();
    clearInterval(timer);
    document.removeEventListener('visibilitychange', onHide);
  };
}
