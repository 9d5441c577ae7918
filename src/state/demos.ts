// The trained demos that ship with the app (public/demos, made by `npm run demos`): the list
// of them, opening one (its settings, int8 weights and loss history, decoded with the share
// link's codec) so that the model is ready at once with its attention maps and next-token
// bars drawn, and leaving it to train one's own. A shipped demo is not a saved run: it
// becomes one when it is trained (persist.ts starts the run then).
import { create } from 'zustand';
import { parseDemoManifest, type DemoManifest, type DemoManifestEntry } from '../persist/demo-manifest';
import { decodeSharePayload, InvalidShareLinkError, type DecodedShareLink } from '../persist/share';
import { applyDemo } from './demo';
import { resetMetrics } from './metrics';
import { runSession } from './run-session';
import { sampleLogits } from './slices/sample';
import { useAppStore, type AppState } from './store';

export type { DemoManifest, DemoManifestEntry } from '../persist/demo-manifest';

/** Where the demos are, relative to the page: the built site works from any sub-path. */
const DEMOS_DIR = 'demos/';

/** `?demo=none` opens the page with no demo (a saved run still reopens). */
export const NO_DEMO = 'none';

export interface DemosState {
  manifest: DemoManifest | null;
  /** Why the list of demos could not be read (the playground works without it). */
  manifestError: string | null;
  /** The shipped demo whose trained model is on screen; null once it is replaced or reset. */
  currentId: string | null;
  /** The demo being opened, and what is happening to it. */
  loading: { id: string; stage: string } | null;
  /** Why the last demo asked for could not be opened. */
  error: string | null;
  /** Said once "Train your own" has cleared a demo's model. */
  notice: string | null;
}

export const useDemoStore = create<DemosState>()(() => ({
  manifest: null,
  manifestError: null,
  currentId: null,
  loading: null,
  error: null,
  notice: null,
}));

export class DemoLoadError extends Error {
  override name = 'DemoLoadError';
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Fetches and validates the list of demos; throws DemoLoadError saying what went wrong. */
export async function readManifest(fetchImpl: typeof fetch = fetch): Promise<DemoManifest> {
  let raw: unknown;
  try {
    const res = await fetchImpl(`${DEMOS_DIR}index.json`, { cache: 'no-cache' });
    if (!res.ok) throw new DemoLoadError(`the list of demos is missing (HTTP ${res.status})`);
    raw = await res.json();
  } catch (e) {
    if (e instanceof DemoLoadError) throw e;
    if (e instanceof SyntaxError) throw new DemoLoadError('the list of demos is not valid JSON');
    throw new DemoLoadError(`the list of demos could not be downloaded (${message(e)}); are you offline?`);
  }
  try {
    return parseDemoManifest(raw);
  } catch (e) {
    throw new DemoLoadError(`the list of demos is damaged: ${message(e)}`);
  }
}

let manifestRequest: Promise<DemoManifest> | null = null;

/** The list of demos, read once (again after a failure), kept in the store with any error. */
export function loadManifest(): Promise<DemoManifest> {
  manifestRequest ??= readManifest().then(
    (manifest) => {
      useDemoStore.setState({ manifest, manifestError: null });
      return manifest;
    },
    (e: unknown) => {
      manifestRequest = null;
      useDemoStore.setState({ manifestError: `The demos could not be loaded: ${message(e)}.` });
      throw e;
    },
  );
  return manifestRequest;
}

/** Downloads one demo and decodes it; a demo without weights is not a trained demo. */
export async function fetchDemo(entry: DemoManifestEntry, fetchImpl: typeof fetch = fetch): Promise<DecodedShareLink> {
  let bytes: Uint8Array;
  try {
    const res = await fetchImpl(`${DEMOS_DIR}${entry.file}`, { cache: 'no-cache' });
    if (!res.ok) throw new DemoLoadError(`the demo “${entry.title}” is missing (HTTP ${res.status})`);
    bytes = new Uint8Array(await res.arrayBuffer());
  } catch (e) {
    if (e instanceof DemoLoadError) throw e;
    throw new DemoLoadError(`the demo “${entry.title}” could not be downloaded (${message(e)}); are you offline?`);
  }
  let decoded: DecodedShareLink;
  try {
    decoded = await decodeSharePayload(bytes);
  } catch (e) {
    throw new DemoLoadError(`the file of the demo “${entry.title}” is damaged: ${fileProblem(e)} Reloading the page may fetch a good copy.`);
  }
  if (!decoded.weights) throw new DemoLoadError(`the file of the demo “${entry.title}” has no trained weights`);
  return decoded;
}

/** What is wrong with a demo file, in a file's terms (the codec's messages speak of links). */
function fileProblem(e: unknown): string {
  if (!(e instanceof InvalidShareLinkError)) return `${message(e)}.`;
  switch (e.problem) {
    case 'not-a-link':
      return 'it is not a GPT Playground demo.';
    case 'incomplete':
      return 'it is cut short.';
    case 'corrupted':
      return 'its checksum does not match.';
    case 'version':
      return 'it was made by another version of GPT Playground.';
    default:
      return e.message;
  }
}

/** The `?demo=` of the address: a demo's id, NO_DEMO, or null when absent. */
export function demoParam(): string | null {
  return new URLSearchParams(location.search).get('demo');
}

/** Sets (or with null removes) `?demo=` in the address without a reload; drops a link's fragment. */
export function setDemoParam(value: string | null): void {
  const url = new URL(location.href);
  if (value === null) url.searchParams.delete('demo');
  else url.searchParams.set('demo', value);
  url.hash = '';
  history.replaceState(history.state, '', url);
}

/** Resolves once the GPU probe has answered: the model is built on the backend it chose. */
function gpuSettled(): Promise<void> {
  return new Promise((resolve) => {
    if (useAppStore.getState().gpu.state !== 'probing') return resolve();
    const off = useAppStore.subscribe((s) => {
      if (s.gpu.state === 'probing') return;
      off();
      resolve();
    });
  });
}

/** What the user may have changed by hand; the automatic first demo does not overwrite it. */
const touched = (a: AppState, b: AppState) => a.text !== b.text || a.model !== b.model || a.train !== b.train || a.tokenizer !== b.tokenizer || a.modelReport !== b.modelReport;

export interface OpenDemoOptions {
  /** Opened without being asked (first visit): gives way if the user has started something. */
  automatic?: boolean;
  /** Put `?demo=<id>` in the address, so that a reload or a copied address opens it again. */
  updateAddress?: boolean;
}

/**
 * Opens a shipped demo: the model is built from its weights, its loss history goes on the
 * chart, and its attention maps and a sample (with the next-token bars) are drawn. On failure
 * the message goes to the gallery and the playground is left as it was. Resolves to whether
 * the demo is open.
 */
export async function openDemo(id: string, opts: OpenDemoOptions = {}): Promise<boolean> {
  if (useDemoStore.getState().loading) return false;
  useDemoStore.setState({ loading: { id, stage: 'Downloading' }, error: null, notice: null });
  try {
    const download = loadManifest().then(async (manifest) => {
      const entry = manifest.demos.find((d) => d.id === id);
      if (!entry) throw new DemoLoadError(`there is no demo called “${id}” (there are ${manifest.demos.map((d) => d.id).join(', ')})`);
      return { entry, ...(await fetchDemo(entry)) };
    });
    download.catch(() => undefined); // awaited below, after the probe
    // The probe may resize the default settings; what changes after it is the user's doing.
    await gpuSettled();
    const before = useAppStore.getState();
    const { entry, demo, weights } = await download;
    if (opts.automatic && touched(before, useAppStore.getState())) return false;
    useDemoStore.setState({ loading: { id, stage: 'Building the model' } });
    await runSession.save(); // the run being left keeps its latest steps
    applyDemo(demo, { quantized: weights!.quantized, step: weights!.step });
    runSession.detach();
    if (!(await useAppStore.getState().createModel())) {
      const s = useAppStore.getState();
      throw new DemoLoadError(`its model could not be built: ${s.dataError ?? s.modelError?.message ?? 'unknown error'}`);
    }
    useDemoStore.setState({ currentId: id });
    // The head the "what to look at" line speaks of is shown enlarged.
    useAppStore.getState().setFocusHead(entry.head ?? null);
    if (opts.updateAddress) setDemoParam(id);
    showTrainedModel();
    return true;
  } catch (e) {
    useDemoStore.setState({ error: `This demo could not be opened: ${message(e)}` });
    return false;
  } finally {
    useDemoStore.setState({ loading: null });
  }
}

/** Opens the manifest's default demo (a first visit); quietly nothing if the user got there first. */
export async function openDefaultDemo(): Promise<void> {
  try {
    const manifest = await loadManifest();
    await openDemo(manifest.defaultId, { automatic: true });
  } catch {
    // The gallery shows manifestError; the playground stays blank and usable.
  }
}

/** Draws what a trained model shows without training: the attention maps and a sample with its bars. */
export function showTrainedModel(): void {
  const s = useAppStore.getState();
  void s.refreshAttention();
  void s.runSample();
}

/** Whether a demo is being opened now (its model build is not a new run of the user's). */
export const demoLoading = (): boolean => useDemoStore.getState().loading !== null;

/**
 * "Train your own": the demo's trained model goes; its text and settings stay, so Train
 * builds a fresh model of the same size on the same task, from step 0.
 */
export async function trainYourOwn(): Promise<void> {
  if (useAppStore.getState().trainState === 'running' || demoLoading()) return;
  await runSession.save(); // a demo trained further is a run: it keeps its latest steps
  runSession.detach();
  useAppStore.getState().invalidateModel();
  resetMetrics();
  sampleLogits.length = 0;
  useAppStore.setState({ sampleTokens: [], selectedToken: 0, attention: null });
  useDemoStore.setState({
    currentId: null,
    error: null,
    notice: 'Fresh start: the same text and settings with new random weights. Press Train to watch it learn.',
  });
  setDemoParam(NO_DEMO);
}

/** Keeps `currentId` true: a model replaced, rebuilt or reset is no longer the shipped demo. */
export function watchCurrentDemo(): () => void {
  return useAppStore.subscribe((s, prev) => {
    if (prev.modelReport && !s.modelReport && !demoLoading() && useDemoStore.getState().currentId) useDemoStore.setState({ currentId: null });
  });
}
