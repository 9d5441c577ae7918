// The trained demos the app ships (`npm run demos`): for each sample corpus, a model small
// enough to train in a few minutes on a software adapter, fixed seeds, and a prompt that
// shows the task in the Sample and Attention panels. The one-line "what to look at" is
// written after training, from the attention the trained model actually has (demo-heads.ts).
import { DEFAULT_CONFIG } from '../core/config';
import { DEFAULT_SAMPLING, type SamplingSettings } from '../core/distribution';
import { DEFAULT_TRAIN, type TrainSettings } from '../core/settings';
import type { HeadTask } from './demo-heads';

export interface DemoSpec {
  /** Also the sample corpus's id. */
  id: string;
  title: string;
  task: HeadTask;
  model: { nLayer: number; nHead: number; nEmbd: number; blockSize: number; positions?: 'learned' | 'sinusoidal' };
  train: Partial<TrainSettings> & Pick<TrainSettings, 'maxSteps'>;
  sample: Partial<SamplingSettings> & { prompt: string; maxTokens: number };
  /** What to look at when no head shows the task's pattern clearly. */
  fallback: string;
  /** Said before the head, when one is clear. */
  lead?: string;
}

/** The demo a first visit opens: counting learns in few steps and its heads read plainly. */
export const DEFAULT_DEMO_ID = 'count';

/** Shared by every demo; each spec overrides what its task needs. */
export const BASE_TRAIN: TrainSettings = {
  ...DEFAULT_TRAIN,
  batchSize: 16,
  lr: 3e-3,
  minLr: 3e-4,
  warmupSteps: 20,
  evalEvery: 50,
  evalIters: 5,
  seed: 1337,
};

export const BASE_MODEL = { ...DEFAULT_CONFIG };

export const DEMO_SPECS: DemoSpec[] = [
  {
    id: 'count',
    title: 'Counting stars',
    task: 'count',
    model: { nLayer: 2, nHead: 4, nEmbd: 32, blockSize: 32 },
    train: { maxSteps: 500, lr: 1e-2, minLr: 1e-3 },
    // Ends on the eighth star: the bars show whether the model knows the line is complete.
    sample: { prompt: '3: ***\n8: ********', maxTokens: 60 },
    fallback: 'The lines end after the right number of stars.',
  },
  {
    id: 'brackets',
    title: 'Brackets',
    task: 'brackets',
    model: { nLayer: 2, nHead: 4, nEmbd: 32, blockSize: 32 },
    train: { maxSteps: 600, lr: 1e-2, minLr: 1e-3 },
    sample: { prompt: '{[(<>)]}\n[{(<', maxTokens: 60 },
    fallback: 'Each closing bracket matches the one still open.',
  },
  // Copying and reversing need a head that finds the letter to write, which forms late (a
  // sudden drop in the loss after a long plateau); within this budget the models learn the
  // layout of a line and the length of the answer. Short windows (T = 24) and small batches
  // buy the most steps.
  {
    id: 'copy',
    title: 'Copying',
    task: 'copy',
    model: { nLayer: 2, nHead: 4, nEmbd: 32, blockSize: 24, positions: 'sinusoidal' },
    train: { maxSteps: 2000, batchSize: 8, lr: 1e-2, minLr: 1e-3, evalEvery: 100 },
    sample: { prompt: 'plum|plum\ngarden|gar', maxTokens: 60 },
    fallback: 'This model has learned the layout of a line, not yet the copying: the letters after the bar are guesses.',
  },
  {
    id: 'reverse',
    title: 'Reversing',
    task: 'reverse',
    model: { nLayer: 2, nHead: 4, nEmbd: 32, blockSize: 24, positions: 'sinusoidal' },
    train: { maxSteps: 2000, batchSize: 8, lr: 1e-2, minLr: 1e-3, evalEvery: 100 },
    sample: { prompt: 'lamp>pmal\nstone>en', maxTokens: 60 },
    fallback: 'This model has learned the layout of a line, not yet the reversing: the letters after the arrow are guesses.',
  },
  {
    id: 'fables',
    title: 'Fables',
    task: 'prose',
    model: { nLayer: 2, nHead: 4, nEmbd: 48, blockSize: 32 },
    train: { maxSteps: 500, lr: 5e-3, minLr: 5e-4 },
    sample: { prompt: 'The old ', maxTokens: 120 },
    fallback: 'The samples are word-like: spaces, short common words, capitals after a full stop.',
    lead: 'The samples are word-like.',
  },
];

/** The spec's settings, whole: the base with the spec's changes, T the model's block size. */
export function specSettings(spec: DemoSpec): { train: TrainSettings; sample: SamplingSettings & { prompt: string; maxTokens: number; seed: number } } {
  return {
    train: { ...BASE_TRAIN, ...spec.train, blockSize: spec.model.blockSize },
    sample: { ...DEFAULT_SAMPLING, seed: 42, ...spec.sample },
  };
}
