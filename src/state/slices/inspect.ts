// The Inspect area's state: per view (surprisal, a position of it, the ablation table, the
// logit lens, activation patching, embeddings, neurons) the inputs, the last result with what
// it was measured on, whether a query is running and its error. Results belong to the model
// they were measured on: a new model (or changed settings) drops them.
import type { StateCreator } from 'zustand';
import type { InspectQuery, InspectResultOf } from '../../core/inspect';
import type { WireError } from '../../core/protocol';
import { engine } from '../engine';
import { metricsStore } from '../metrics';
import { asWire, type AppState } from '../types';

export type InspectKind = InspectQuery['kind'];
export type QueryOf<K extends InspectKind> = Extract<InspectQuery, { kind: K }>;

export interface InspectError {
  /** The input it is shown next to (see INPUT_FIELDS). */
  field: string;
  message: string;
}

export interface InspectView<K extends InspectKind> {
  result: InspectResultOf[K] | null;
  /** The query `result` answers. */
  query: QueryOf<K> | null;
  /** The training step of the weights measured. */
  step: number | null;
  /** The units that were off when it was measured (names). */
  ablated: string[];
  busy: boolean;
  error: InspectError | null;
}

export type InspectViews = { [K in InspectKind]: InspectView<K> };

/** What the views' fields hold between queries. */
export interface InspectInputs {
  surprisalSource: 'validation' | 'text';
  surprisalText: string;
  /** null: the Sample panel's prompt, followed until the field is edited. */
  lensPrompt: string | null;
  patchClean: string | null;
  patchCorrupt: string;
  patchTarget: string;
  neuronsPrompt: string | null;
}

/**
 * The inputs each view's errors can be shown next to; the first is where an error that names
 * none goes. A worker error whose code is one of them (an InputError's field) goes there.
 */
export const INPUT_FIELDS: { readonly [K in InspectKind]: readonly string[] } = {
  surprisal: ['text'],
  position: ['text'],
  ablationTable: ['table'],
  lens: ['prompt', 'position'],
  patch: ['inputs', 'clean', 'corrupt', 'target'],
  embeddings: ['embeddings'],
  neuronsAt: ['prompt', 'position'],
  neuron: ['neuron'],
};

export function errorField(kind: InspectKind, e: Pick<WireError, 'code'>): string {
  const fields = INPUT_FIELDS[kind];
  return e.code && fields.includes(e.code) ? e.code : fields[0];
}

const emptyView = () => ({ result: null, query: null, step: null, ablated: [], busy: false, error: null });

export function emptyViews(): InspectViews {
  return {
    surprisal: emptyView(),
    position: emptyView(),
    ablationTable: emptyView(),
    lens: emptyView(),
    patch: emptyView(),
    embeddings: emptyView(),
    neuronsAt: emptyView(),
    neuron: emptyView(),
  };
}

export const DEFAULT_INSPECT_INPUTS: InspectInputs = {
  surprisalSource: 'validation',
  surprisalText: '',
  lensPrompt: null,
  patchClean: null,
  patchCorrupt: '',
  patchTarget: '',
  neuronsPrompt: null,
};

export const NO_MODEL_MESSAGE = 'There is no model yet: open a demo in the Playground, or train one.';

export interface InspectSlice {
  inspect: InspectViews;
  inspectInputs: InspectInputs;
  setInspectInputs: (changes: Partial<InspectInputs>) => void;
  /** Asks the worker and shows the answer in its view; a newer query of the same kind wins. */
  runInspect: <K extends InspectKind>(query: QueryOf<K>) => Promise<void>;
  /** Puts an error next to one of a view's inputs (a check made before asking), or clears it. */
  setInspectError: (kind: InspectKind, error: InspectError | null) => void;
  /** Drops every result and the units switched off: the model they were of is gone. */
  forgetInspect: () => void;
}

/** The latest query started per kind: answers to older ones are dropped. */
const latest: Partial<Record<InspectKind, number>> = {};

export const createInspectSlice: StateCreator<AppState, [], [], InspectSlice> = (set, get) => {
  const setView = <K extends InspectKind>(kind: K, changes: Partial<InspectView<K>>) =>
    set({ inspect: { ...get().inspect, [kind]: { ...get().inspect[kind], ...changes } } });
  // While training the chart is ahead of the store's step, which moves with the run's state.
  const stepNow = () => (get().trainState === 'running' ? (metricsStore.getState().steps.at(-1)?.step ?? get().step) : get().step);
  return {
    inspect: emptyViews(),
    inspectInputs: DEFAULT_INSPECT_INPUTS,
    setInspectInputs: (changes) => set({ inspectInputs: { ...get().inspectInputs, ...changes } }),
    runInspect: async <K extends InspectKind>(query: QueryOf<K>) => {
      const kind: K = query.kind as K;
      const model = get().modelReport;
      if (!model) {
        setView(kind, { error: { field: INPUT_FIELDS[kind][0], message: NO_MODEL_MESSAGE } });
        return;
      }
      const id = (latest[kind] = (latest[kind] ?? 0) + 1);
      const step = stepNow();
      const ablated = get().ablated;
      setView(kind, { busy: true, error: null });
      const current = () => latest[kind] === id && get().modelReport === model;
      try {
        const result = (await engine().request('inspect', { query })) as InspectResultOf[K];
        if (current()) setView(kind, { result, query, step, ablated, busy: false });
      } catch (e) {
        const w = asWire(e);
        // The result shown was of other inputs: it goes, so the error is not read as its cause.
        if (current()) setView(kind, { result: null, query: null, busy: false, error: { field: errorField(kind, w), message: w.message } });
      } finally {
        if (latest[kind] === id && get().inspect[kind].busy) setView(kind, { busy: false });
      }
    },
    setInspectError: (kind, error) => setView(kind, { error }),
    forgetInspect: () => {
      // Queries in flight answer about the old model: their answers are not shown.
      for (const k of Object.keys(latest) as InspectKind[]) latest[k] = (latest[k] ?? 0) + 1;
      set({ inspect: emptyViews() });
      get().clearAblations();
    },
  };
};
