// The guided experiments of the Lessons tab, as data: what each one explains, the runs it
// trains (each a whole demo: text, model, training and sampling settings, independent of what
// the playground held before) and what it shows at the end. Pure: runner.ts carries a lesson
// out against the store, outcomes.ts turns what happened into the sentence on its card.
//
// Sizes are chosen for a software adapter (SwiftShader on two cores): one layer or two, width
// 32, block 32, batch 8, a few hundred steps, so that a two-run lesson ends in a minute or
// two there and in seconds on a real GPU.
import { DEFAULT_CONFIG, type GPTConfig } from '../../core/config';
import type { SamplingSettings } from '../../core/distribution';
import { DEFAULT_TRAIN, type TrainSettings } from '../../core/settings';
import { DEMO_FORMAT, DEMO_VERSION, type DemoState } from '../../persist/demo';

export type LessonModel = Omit<GPTConfig, 'vocabSize'>;
export type LessonSample = DemoState['sample'];

export interface LessonRun {
  /** What this run is, for the progress line ("Run 1 of 2 — with the mask"). */
  name: string;
  /** Everything the run is trained and sampled with. */
  demo: DemoState;
}

/** A way of generating text from one trained model (greedy, or sampling at a temperature). */
export interface DecodingVariant {
  name: string;
  sampling: SamplingSettings;
}

/** What a lesson shows once its runs are done. */
export type LessonShow =
  /** The next-token bars of a trained model under a temperature the learner drags; the note says what to expect after the prompt. */
  | { kind: 'temperature'; promptNote: string }
  /**
   * Two runs that differ in one setting: their loss curves together, and a sample of each.
   * `mask`: the second run has no causal mask, and its heads are read for looking ahead.
   */
  | { kind: 'compare'; mask?: boolean }
  /** One run, with the attention of its heads read before and after training. */
  | { kind: 'heads'; task: 'count' | 'copy' }
  /** One trained model, generating from the same prompt in several ways. */
  | { kind: 'decoding'; variants: DecodingVariant[] };

export interface Lesson {
  id: string;
  title: string;
  /** Two to four plain sentences for a learner: the idea, and what the experiment does. */
  about: string;
  /** Where the outcome shows, said on the card once the lesson has started. */
  lookAt: string;
  /**
   * A shipped trained demo to open instead of training, for lessons that only need a trained
   * model; its prompt and sampling settings become the lesson's. When it cannot be opened
   * (offline, not shipped), `runs` train one instead.
   */
  demo?: { id: string; sample: LessonSample };
  runs: LessonRun[];
  show: LessonShow;
}

/** Shared by every run: the app's defaults cut to a size that trains in seconds. */
export const LESSON_MODEL: LessonModel = (({ vocabSize: _v, ...m }) => ({ ...m, nLayer: 1, nHead: 4, nEmbd: 32, blockSize: 32 }))(DEFAULT_CONFIG);

export const LESSON_TRAIN: TrainSettings = {
  ...DEFAULT_TRAIN,
  batchSize: 8,
  blockSize: 32,
  lr: 1e-2,
  minLr: 1e-3,
  warmupSteps: 10,
  maxSteps: 200,
  evalEvery: 50,
  evalIters: 5,
  seed: 1337,
};

const LESSON_SAMPLE: LessonSample = { temperature: 0.8, topK: 0, topP: 1, greedy: false, prompt: '', maxTokens: 80, seed: 42 };

interface RunPatch {
  corpus: string;
  model?: Partial<LessonModel>;
  train?: Partial<TrainSettings>;
  sample?: Partial<LessonSample>;
}

/** A whole demo from the lesson defaults and a patch (the training block follows the model's). */
export function lessonDemo(p: RunPatch): DemoState {
  const model = { ...LESSON_MODEL, ...p.model };
  return {
    format: DEMO_FORMAT,
    version: DEMO_VERSION,
    corpus: { source: { kind: 'sample', id: p.corpus }, text: '' },
    tokenizer: { kind: 'char' },
    model,
    train: { ...LESSON_TRAIN, ...p.train, blockSize: model.blockSize },
    sample: { ...LESSON_SAMPLE, ...p.sample },
  };
}

/** Two runs of the same demo that differ in what `a` and `b` change. */
function pair(base: RunPatch, a: [string, Partial<LessonModel>], b: [string, Partial<LessonModel>]): LessonRun[] {
  return [a, b].map(([name, model]) => ({ name, demo: lessonDemo({ ...base, model: { ...base.model, ...model } }) }));
}

const COUNT_PROMPT = '5: *****\n11: ***';

export const LESSONS: readonly Lesson[] = [
  {
    id: 'temperature',
    title: 'Next-token prediction and temperature',
    about:
      'A GPT reads the text so far and gives every token in its vocabulary a score; a softmax turns the scores into probabilities for the next token. Temperature divides the scores before the softmax: below 1 the likeliest token takes more of the probability, above 1 the choice spreads out. This lesson opens a trained model with a prompt; drag the temperature and watch the bars.',
    lookAt: 'the bars on the lesson’s card: the next token after the prompt, under the temperature you set.',
    demo: { id: 'count', sample: { ...LESSON_SAMPLE, prompt: '5: *****\n', maxTokens: 40 } },
    runs: [{ name: 'a model to ask', demo: lessonDemo({ corpus: 'count', train: { maxSteps: 150 }, sample: { prompt: '5: *****\n', maxTokens: 40 } }) }],
    show: {
      kind: 'temperature',
      promptNote: 'After a line of stars comes the next line’s number, from 1 to 12. ‘1’ begins four of them (1, 10, 11, 12), so a model that has learned the text gives it about a third of the probability.',
    },
  },
  {
    id: 'causal-mask',
    title: 'The causal mask',
    about:
      'When a GPT learns to predict the next token, each position may only look at itself and the positions before it: the causal mask hides the future. This lesson trains the same small model twice on the same text, with the mask and without it. Without it, every position can see the very token it has to predict.',
    lookAt: 'the loss chart in the Playground (both runs are on it, labelled), then the two samples on the lesson’s card.',
    runs: pair({ corpus: 'copy', train: { maxSteps: 200 }, sample: { prompt: 'plum|plum\ngar' } }, ['with the mask', { causal: true }], ['without the mask', { causal: false }]),
    show: { kind: 'compare', mask: true },
  },
  {
    id: 'heads',
    title: 'Heads forming',
    about:
      'Each attention head learns where to look. On the counting text (a number, then that many stars) a model can only end a line at the right place if, while it writes the stars, something looks back at the number. This lesson trains a fresh model and reads its attention before and after training.',
    lookAt: 'the attention heatmaps in the Playground: one head lights up the number’s column while the stars are written.',
    runs: [
      {
        name: 'a fresh model',
        demo: lessonDemo({
          corpus: 'count',
          model: { nHead: 2 },
          // Gentler and longer than the other lessons: at 1e-2 the loss falls as fast but the head stays blurred.
          train: { maxSteps: 300, lr: 5e-3, minLr: 5e-4, warmupSteps: 20 },
          sample: { prompt: COUNT_PROMPT, maxTokens: 60 },
        }),
      },
    ],
    show: { kind: 'heads', task: 'count' },
  },
  {
    id: 'positions',
    title: 'Learned or sinusoidal positions',
    about:
      'Attention by itself does not know the order of the tokens, so a position signal is added to each token’s embedding. GPT-2 learns one vector per position; the original Transformer adds fixed sine and cosine waves that need no training. This lesson trains the same model both ways on the counting text, where knowing how far back the number is matters.',
    lookAt: 'the loss chart in the Playground: the two runs’ curves, each labelled.',
    runs: pair({ corpus: 'count', train: { maxSteps: 200 }, sample: { prompt: COUNT_PROMPT, maxTokens: 60 } }, ['learned positions', { positions: 'learned' }], ['sinusoidal positions', { positions: 'sinusoidal' }]),
    show: { kind: 'compare' },
  },
  {
    id: 'layernorm',
    title: 'Pre-LN or post-LN at a high learning rate',
    about:
      'LayerNorm keeps the numbers flowing through the blocks at a steady scale. The original Transformer normalises after adding each block’s output (post-LN); GPT-2 normalises the input of each block and leaves the residual path untouched (pre-LN), which is known to tolerate larger learning rates. This lesson trains both at a learning rate that is too high on purpose.',
    lookAt: 'the loss chart in the Playground: which curve gets lower, and whether one stops early.',
    runs: pair({ corpus: 'fables', model: { nLayer: 2 }, train: { maxSteps: 200, lr: 3e-2, minLr: 3e-2, warmupSteps: 0 }, sample: { prompt: 'The old ' } }, ['pre-LN', { norm: 'pre' }], ['post-LN', { norm: 'post' }]),
    show: { kind: 'compare' },
  },
  {
    id: 'greedy',
    title: 'Greedy decoding or sampling',
    about:
      'To write text, a GPT picks a next token, appends it and asks again. Greedy decoding always takes the likeliest token; sampling draws one at random from the probabilities. This lesson asks one trained model for text from the same prompt both ways.',
    lookAt: 'the two texts side by side on the lesson’s card.',
    demo: { id: 'count', sample: { ...LESSON_SAMPLE, prompt: '5: *****\n', maxTokens: 200 } },
    runs: [{ name: 'a model to ask', demo: lessonDemo({ corpus: 'count', train: { maxSteps: 150 }, sample: { prompt: '5: *****\n', maxTokens: 200 } }) }],
    show: {
      kind: 'decoding',
      variants: [
        { name: 'Greedy', sampling: { temperature: 1, topK: 0, topP: 1, greedy: true } },
        { name: 'Sampling at temperature 1', sampling: { temperature: 1, topK: 0, topP: 1, greedy: false } },
      ],
    },
  },
];

export function findLesson(id: string): Lesson | undefined {
  return LESSONS.find((l) => l.id === id);
}

/** The largest evaluation interval that divides `steps` into at most 4 parts (so the last step is evaluated). */
export function evalEveryFor(steps: number): number {
  for (let parts = Math.min(4, steps); parts > 1; parts--) if (steps % parts === 0) return steps / parts;
  return steps;
}

/** A run cut to `steps` (for tests and quick looks): warm-up and evaluations scaled to fit. */
export function shortenDemo(demo: DemoState, steps: number): DemoState {
  const t = demo.train;
  return { ...demo, train: { ...t, maxSteps: steps, warmupSteps: Math.min(t.warmupSteps, Math.floor(steps / 4)), evalEvery: evalEveryFor(steps) } };
}
