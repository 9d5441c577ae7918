// Carries out a lesson: for each run, put its settings in the playground, build, train to its
// last step, put its loss curve on the chart beside the others and write a sample; then say
// what happened. Everything it does to the app goes through a LessonDriver (store-driver.ts
// for the real store and worker), so the sequencing is tested without a GPU.
import type { AttentionReport } from '../../core/protocol';
import type { SamplingSettings } from '../../core/distribution';
import type { DemoHistory, DemoState } from '../../persist/demo';
import { describeDifference, type ComparedRun } from '../compare';
import { shortenDemo, type Lesson, type LessonRun, type LessonSample } from './definitions';
import {
  capital,
  compareSentence,
  copyTargets,
  countTargets,
  decodingSentence,
  evenShare,
  finalLosses,
  headShares,
  headsSentence,
  maskSentence,
  nextTargets,
  strongestHead,
  type HeadShare,
  unigramLoss,
  type RunOutcome,
} from './outcomes';
import { findCorpus } from '../../corpora';

/** How a training run ended. */
export interface TrainEnd {
  /** 'done': reached its last step; 'diverged': stopped on a non-finite loss; 'paused': anything else stopped it. */
  end: 'done' | 'diverged' | 'paused';
  step: number;
  /** The highest step the run reached (before a divergence sent it back). */
  top: number;
  /** What the app said about the stop (a fault, a divergence), if anything. */
  message: string | null;
}

/** A text a model wrote, with what its first token was drawn from. */
export interface Generated {
  text: string;
  /** Logits of the first generated token (the next token after the prompt); null when none was written. */
  firstLogits: Float32Array | null;
  firstLabel: string | null;
  /** Printable label of every token id of the model's vocabulary, when known. */
  labels: readonly string[] | null;
}

/** What the runner needs from the app. Each method throws an Error with a message for the learner. */
export interface LessonDriver {
  /** Keeps the learner's current run saved and takes the chart's compared runs off it. */
  prepare(): Promise<void>;
  /** Opens a shipped trained demo; false when it cannot be opened (then the lesson trains one). */
  openDemo(id: string): Promise<boolean>;
  /** Puts a run's settings in the playground (a fresh model on the next build). */
  apply(demo: DemoState): Promise<void>;
  /** Builds the model of the current settings. */
  build(): Promise<void>;
  /** Starts training and resolves when it stops, for whatever reason. */
  train(): Promise<TrainEnd>;
  /** Pauses training (if it runs) and stops a generation the lesson started. */
  halt(): Promise<void>;
  history(): DemoHistory;
  /** Generates from the current model; the text and the logits of its first token. */
  generate(prompt: string, options: SamplingSettings & { maxTokens: number; seed: number }): Promise<Generated>;
  /** Attention maps of the current model for a prompt. */
  attention(prompt: string): Promise<AttentionReport>;
  /** Sets the prompt and sampling settings of the Sample panel. */
  setSample(sample: LessonSample): void;
  /** Enlarges a head in the Attention panel. */
  focusHead(h: { layer: number; head: number }): void;
  pin(run: ComparedRun): void;
}

export type LessonPhase = 'preparing' | 'opening' | 'building' | 'training' | 'sampling' | 'attention';

export interface LessonProgress {
  /** 0-based index of the run under way, and how many there are. */
  run: number;
  runs: number;
  name: string;
  phase: LessonPhase;
  maxSteps: number;
}

/** A text the lesson wrote, shown on its card beside the others. */
export interface LessonText {
  name: string;
  prompt: string;
  /** What the model wrote after the prompt. */
  text: string;
}

export interface LessonCard {
  status: 'idle' | 'running' | 'done' | 'stopped' | 'error';
  progress: LessonProgress | null;
  /** The sentence saying what happened (also what was kept, after a stop). */
  outcome: string | null;
  error: string | null;
  texts: LessonText[];
  runs: RunOutcome[];
  /** The temperature lesson: the next token's logits after the prompt, and the prompt. */
  probe: { prompt: string; logits: Float32Array; drawnLabel: string | null; labels: readonly string[] | null } | null;
  /** Said beside the outcome: how the trained model was obtained (a demo, or trained here). */
  note: string | null;
}

export const IDLE_CARD: LessonCard = { status: 'idle', progress: null, outcome: null, error: null, texts: [], runs: [], probe: null, note: null };

export interface LessonControl {
  update(patch: Partial<LessonCard>): void;
  /** Whether Stop was pressed. */
  stopped(): boolean;
  /** Steps each training run is cut to (tests, quick looks); null for the lesson's own. */
  steps: number | null;
}

/** Thrown out of the sequence when the lesson must end early; `kept` says what stays. */
class LessonStop extends Error {
  constructor(readonly kept: string) {
    super(kept);
  }
}

/** Id of a lesson run on the chart. */
export const pinId = (lesson: Lesson, i: number): string => `lesson:${lesson.id}:${i}`;

function runDemo(run: LessonRun, steps: number | null): DemoState {
  return steps === null ? run.demo : shortenDemo(run.demo, steps);
}

/** Runs `lesson` to its end (or a stop, or an error), reporting through `ctl`. Never throws. */
export async function runLesson(lesson: Lesson, d: LessonDriver, ctl: LessonControl): Promise<void> {
  ctl.update({ ...IDLE_CARD, status: 'running', progress: { run: 0, runs: lesson.runs.length, name: lesson.runs[0]?.name ?? '', phase: 'preparing', maxSteps: 0 } });
  const check = (kept: string) => {
    if (ctl.stopped()) throw new LessonStop(kept);
  };
  try {
    await d.prepare();
    check('');
    switch (lesson.show.kind) {
      case 'compare':
        await compareRuns(lesson, d, ctl, check);
        break;
      case 'heads':
        await headsRun(lesson, lesson.show.task, d, ctl, check);
        break;
      case 'temperature':
        await temperatureProbe(lesson, d, ctl, check);
        break;
      case 'decoding':
        await decodings(lesson, lesson.show.variants, d, ctl, check);
        break;
    }
    ctl.update({ status: 'done', progress: null });
  } catch (e) {
    if (e instanceof LessonStop) {
      ctl.update({ status: 'stopped', progress: null, outcome: `Stopped. ${e.kept}`.trim() });
    } else {
      await d.halt().catch(() => undefined);
      ctl.update({ status: 'error', progress: null, error: e instanceof Error ? e.message : String(e) });
    }
  }
}

type Check = (kept: string) => void;

/** The character-frequency loss of a character-level run's sample text; null for anything else. */
function baselineOf(demo: DemoState): number | null {
  const src = demo.corpus.source;
  if (demo.tokenizer.kind !== 'char' || src.kind !== 'sample') return null;
  const corpus = findCorpus(src.id);
  return corpus ? unigramLoss(corpus.text()) : null;
}

/**
 * Builds and trains one run, reporting progress; returns its outcome. A run that something
 * else paused ends the lesson (the learner pressed Pause, or the app stopped it with a reason).
 */
async function trainRun(lesson: Lesson, i: number, demo: DemoState, d: LessonDriver, ctl: LessonControl, check: Check, kept: string, built = false): Promise<RunOutcome> {
  const run = lesson.runs[i];
  const progress = (phase: LessonPhase) => ctl.update({ progress: { run: i, runs: lesson.runs.length, name: run.name, phase, maxSteps: demo.train.maxSteps } });
  if (!built) {
    progress('building');
    await d.apply(demo);
    await d.build();
    check(kept);
  }
  progress('training');
  const end = await d.train();
  const trainedKept = `${kept} ${capital(run.name)}: trained to step ${end.step} of ${demo.train.maxSteps}; it is the run on the chart now.`.trim();
  check(trainedKept);
  if (end.end === 'paused') {
    if (end.message) throw new Error(end.message);
    throw new LessonStop(`Training was paused (or its model replaced) outside the lesson. ${trainedKept}`);
  }
  const { loss, val } = finalLosses(d.history());
  return {
    name: run.name,
    label: run.name,
    step: end.step,
    maxSteps: demo.train.maxSteps,
    loss,
    val,
    divergedAt: end.end === 'diverged' ? Math.max(end.top, end.step) : null,
    sample: null,
  };
}

async function compareRuns(lesson: Lesson, d: LessonDriver, ctl: LessonControl, check: Check): Promise<void> {
  const demos = lesson.runs.map((r) => runDemo(r, ctl.steps));
  const outcomes: RunOutcome[] = [];
  const texts: LessonText[] = [];
  let kept = '';
  for (let i = 0; i < demos.length; i++) {
    const run = lesson.runs[i];
    const demo = demos[i];
    const out = await trainRun(lesson, i, demo, d, ctl, check, kept);
    // Named by what differs from the lesson's other run ("no causal mask"), or by its name.
    out.label = describeDifference(demo, demos[i === 0 ? 1 : 0] ?? demo, run.name);
    const h = d.history();
    d.pin({ id: pinId(lesson, i), label: out.label, steps: h.steps, evals: h.evals });
    outcomes.push(out);
    kept = `${kept} ${capital(run.name)} is on the chart as “${out.label}”.`.trim();
    ctl.update({ runs: [...outcomes], progress: { run: i, runs: demos.length, name: run.name, phase: 'sampling', maxSteps: demo.train.maxSteps } });
    check(kept);
    const { text } = await d.generate(demo.sample.prompt, { ...demo.sample });
    out.sample = text;
    texts.push({ name: run.name, prompt: demo.sample.prompt, text });
    ctl.update({ texts: [...texts], runs: [...outcomes] });
    check(kept);
  }
  const [a, b] = outcomes;
  if (lesson.show.kind === 'compare' && lesson.show.mask) {
    // The run without the mask is the model on the chart now: which of its heads looks ahead?
    ctl.update({ progress: { run: 1, runs: demos.length, name: lesson.runs[1].name, phase: 'attention', maxSteps: demos[1].train.maxSteps } });
    const att = await d.attention(demos[1].sample.prompt);
    const peek = strongestHead(headShares(att.probs, att.nHead, att.tokens.length, nextTargets(att.tokens.length)));
    ctl.update({ outcome: maskSentence(a, b, peek, baselineOf(demos[0])) });
  } else ctl.update({ outcome: compareSentence(a, b, baselineOf(demos[0])) });
}

async function headsRun(lesson: Lesson, task: 'count' | 'copy', d: LessonDriver, ctl: LessonControl, check: Check): Promise<void> {
  const demo = runDemo(lesson.runs[0], ctl.steps);
  const prompt = demo.sample.prompt;
  const targets = (task === 'count' ? countTargets : copyTargets)(Array.from(prompt));
  const shares = (a: AttentionReport): HeadShare[] => headShares(a.probs, a.nHead, a.tokens.length, targets);
  const progress = (phase: LessonPhase) => ctl.update({ progress: { run: 0, runs: 1, name: lesson.runs[0].name, phase, maxSteps: demo.train.maxSteps } });
  progress('building');
  await d.apply(demo);
  await d.build();
  progress('attention');
  const before = shares(await d.attention(prompt));
  check('');
  const out = await trainRun(lesson, 0, demo, d, ctl, check, '', true);
  progress('attention');
  const after = shares(await d.attention(prompt));
  const best = strongestHead(after);
  if (best) d.focusHead({ layer: best.layer, head: best.head });
  const what = task === 'count' ? 'looks back at the number while the stars are written' : 'looks back at the letter to copy next';
  ctl.update({ runs: [out], outcome: headsSentence(before, after, what, evenShare(targets)) });
  progress('sampling');
  const { text } = await d.generate(prompt, { ...demo.sample });
  ctl.update({ texts: [{ name: 'The trained model writes', prompt, text }] });
}

/** Opens the lesson's shipped demo, or trains its run when the demo cannot be opened; returns the sample settings. */
async function trainedModel(lesson: Lesson, d: LessonDriver, ctl: LessonControl, check: Check): Promise<LessonSample> {
  if (lesson.demo) {
    ctl.update({ progress: { run: 0, runs: 1, name: 'a trained model', phase: 'opening', maxSteps: 0 } });
    if (await d.openDemo(lesson.demo.id)) {
      d.setSample(lesson.demo.sample);
      ctl.update({ note: 'This is one of the trained demos that ship with the app.' });
      return lesson.demo.sample;
    }
    check('');
  }
  const demo = runDemo(lesson.runs[0], ctl.steps);
  const out = await trainRun(lesson, 0, demo, d, ctl, check, '');
  ctl.update({ runs: [out], note: `The model was trained here for ${out.step} steps (the shipped demo could not be opened).` });
  return demo.sample;
}

async function temperatureProbe(lesson: Lesson, d: LessonDriver, ctl: LessonControl, check: Check): Promise<void> {
  const sample = await trainedModel(lesson, d, ctl, check);
  ctl.update({ progress: { run: 0, runs: 1, name: 'a trained model', phase: 'sampling', maxSteps: 0 } });
  const { firstLogits, firstLabel, labels } = await d.generate(sample.prompt, { ...sample, maxTokens: 1 });
  if (!firstLogits) throw new Error('The model wrote nothing, so there is no next-token distribution to show.');
  // The outcome is the probe's own line, re-computed as the temperature moves.
  ctl.update({ probe: { prompt: sample.prompt, logits: firstLogits, drawnLabel: firstLabel, labels } });
}

async function decodings(lesson: Lesson, variants: { name: string; sampling: SamplingSettings }[], d: LessonDriver, ctl: LessonControl, check: Check): Promise<void> {
  const sample = await trainedModel(lesson, d, ctl, check);
  const texts: LessonText[] = [];
  for (const v of variants) {
    check(texts.length ? 'The texts written so far stay on the card.' : '');
    ctl.update({ progress: { run: texts.length, runs: variants.length, name: v.name, phase: 'sampling', maxSteps: 0 } });
    const { text } = await d.generate(sample.prompt, { ...sample, ...v.sampling });
    texts.push({ name: v.name, prompt: sample.prompt, text });
    ctl.update({ texts: [...texts] });
  }
  ctl.update({ outcome: decodingSentence(texts[0].text, texts[1]?.text ?? '') });
}
