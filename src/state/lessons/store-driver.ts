// The lesson runner's hands on the real app: the store's actions (build, train, pause), the
// worker for the lesson's own generations (so that they leave the Sample panel alone), the
// shipped demos, and the compare overlay of the loss chart.
import type { AttentionReport } from '../../core/protocol';
import type { DemoState } from '../../persist/demo';
import { addComparedRun, clearComparedRuns } from '../compare';
import { applyDemo, currentHistory } from '../demo';
import { openDemo } from '../demos';
import { engine } from '../engine';
import { metricsStore } from '../metrics';
import { runSession } from '../run-session';
import { useAppStore, type AppState } from '../store';
import { asWire } from '../types';
import type { LessonDriver, TrainEnd } from './runner';

const message = (e: unknown) => asWire(e).message;

/** Resolves once `ready` holds for the store (at once if it does now). */
function until(ready: (s: AppState) => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (ready(useAppStore.getState())) return resolve();
    const off = useAppStore.subscribe((s) => {
      if (!ready(s)) return;
      off();
      resolve();
    });
  });
}

/** Why the model could not be built, as the Model and Data panels say it. */
function buildError(): Error {
  const s = useAppStore.getState();
  return new Error(`The model could not be built: ${s.dataError ?? s.modelError?.message ?? 'unknown error'}`);
}

/** Request id of the generation the lesson has under way; -1 when none. */
let generating = -1;

export const storeDriver: LessonDriver = {
  async prepare() {
    await runSession.save(); // the learner's run keeps its latest steps
    clearComparedRuns();
  },

  openDemo: (id) => openDemo(id),

  async apply(demo: DemoState) {
    // As opening a demo does: the run being left is saved, and the lesson's model is a new run.
    if (useAppStore.getState().trainState === 'running') await useAppStore.getState().pause();
    await runSession.save();
    runSession.detach();
    applyDemo(demo);
  },

  async build() {
    if (!(await useAppStore.getState().createModel())) throw buildError();
  },

  train() {
    return new Promise<TrainEnd>((resolve, reject) => {
      let running = false;
      let top = 0;
      const offSteps = metricsStore.subscribe((m) => {
        top = Math.max(top, m.steps.at(-1)?.step ?? 0);
      });
      const finish = (s: AppState) => {
        off();
        offSteps();
        const end = s.trainState === 'done' ? 'done' : s.trainState === 'diverged' ? 'diverged' : 'paused';
        // A fault pauses with a message; Pause (or a model replaced in the Playground) without one.
        resolve({ end, step: s.step, top, message: end === 'diverged' ? null : s.trainMessage });
      };
      const off = useAppStore.subscribe((s) => {
        if (s.trainState === 'running') running = true;
        else if (running) finish(s);
      });
      useAppStore
        .getState()
        .start()
        .then(() => {
          const s = useAppStore.getState();
          if (running || s.trainState === 'running') return;
          off();
          offSteps();
          if (s.trainState === 'done') resolve({ end: 'done', step: s.step, top, message: null });
          else reject(s.modelError || s.dataError ? buildError() : new Error('Training did not start.'));
        }, reject);
    });
  },

  async halt() {
    if (generating !== -1) await engine().request('stopSample', { sampleId: generating }).catch(() => undefined);
    if (useAppStore.getState().trainState === 'running') await useAppStore.getState().pause();
  },

  history: currentHistory,

  async generate(prompt, options) {
    // After a run the live views draw the last weights; the lesson's sample waits its turn.
    await until((s) => !s.modelBusy && !!s.modelReport);
    let firstLogits: Float32Array | null = null;
    let firstLabel: string | null = null;
    let id = -1;
    const off = engine().onEvent((e) => {
      if (e.type !== 'sample-token' || e.sampleId !== id || firstLogits) return;
      firstLogits = e.logits;
      firstLabel = e.label;
    });
    try {
      const sent = engine().send('sample', { prompt, options, halfWeights: false });
      id = generating = sent.id;
      const r = await sent.result;
      return { text: r.text, firstLogits, firstLabel, labels: useAppStore.getState().dataReport?.labels ?? null };
    } catch (e) {
      throw new Error(`The model could not write its sample: ${message(e)}`);
    } finally {
      off();
      generating = -1;
    }
  },

  async attention(prompt): Promise<AttentionReport> {
    try {
      return await engine().request('attention', { prompt });
    } catch (e) {
      throw new Error(`The attention maps could not be read: ${message(e)}`);
    }
  },

  setSample(sample) {
    useAppStore.setState({
      prompt: sample.prompt,
      sampling: { temperature: sample.temperature, topK: sample.topK, topP: sample.topP, greedy: sample.greedy },
      maxTokens: sample.maxTokens,
      sampleSeed: sample.seed,
    });
  },

  focusHead: (h) => useAppStore.getState().setFocusHead(h),

  pin: addComparedRun,
};
