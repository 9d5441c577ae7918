// Training hyperparameters, with the defaults of DESIGN §1 and a comment on each.

export interface TrainSettings {
  /** Sequences per micro-batch (B). */
  batchSize: number;
  /** Tokens per sequence (T), at most the model's block size. */
  blockSize: number;
  /** Peak learning rate, reached after warm-up. */
  lr: number;
  /** Learning rate at the end of the cosine decay; equal to lr for a constant schedule. */
  minLr: number;
  /** Steps of linear warm-up from ~0 to lr. */
  warmupSteps: number;
  /** Optimizer steps in the run; the cosine decay ends here. */
  maxSteps: number;
  /** AdamW decoupled weight decay, applied to 2-D weights only. */
  weightDecay: number;
  beta1: number;
  /** 0.99 rather than PyTorch's 0.999: small models and batches like a shorter memory. */
  beta2: number;
  eps: number;
  /** Clip the global gradient norm to this; 0 turns clipping off. */
  gradClip: number;
  /** Fixes initialisation, batches and evaluation batches. */
  seed: number;
  /** Evaluate every N steps (0: never). */
  evalEvery: number;
  /** Batches averaged per evaluation, for each split. */
  evalIters: number;
  /** Micro-batches whose gradients are summed per optimizer step. */
  gradAccumSteps: number;
}

export const DEFAULT_TRAIN: TrainSettings = {
  batchSize: 16,
  blockSize: 64,
  lr: 1e-3,
  minLr: 1e-4,
  warmupSteps: 100,
  maxSteps: 2000,
  weightDecay: 0.1,
  beta1: 0.9,
  beta2: 0.99,
  eps: 1e-8,
  gradClip: 1.0,
  seed: 1337,
  evalEvery: 100,
  evalIters: 20,
  gradAccumSteps: 1,
};

export function validateSettings(s: TrainSettings, modelBlockSize: number): string[] {
  const errs: string[] = [];
  const posInt = (name: string, v: number) => {
    if (!Number.isInteger(v) || v < 1) errs.push(`${name} must be a positive whole number (got ${v}).`);
  };
  posInt('Batch size', s.batchSize);
  posInt('Block size', s.blockSize);
  posInt('Steps', s.maxSteps);
  posInt('Evaluation batches', s.evalIters);
  posInt('Gradient accumulation', s.gradAccumSteps);
  if (s.blockSize > modelBlockSize) errs.push(`Block size ${s.blockSize} exceeds the model's ${modelBlockSize}.`);
  for (const [name, v] of [['Learning rate', s.lr], ['Minimum learning rate', s.minLr], ['Weight decay', s.weightDecay], ['Clipping', s.gradClip], ['Warm-up', s.warmupSteps]] as const) {
    if (!Number.isFinite(v) || v < 0) errs.push(`${name} must be a number ≥ 0 (got ${v}).`);
  }
  if (!(s.beta1 >= 0 && s.beta1 < 1) || !(s.beta2 >= 0 && s.beta2 < 1)) errs.push('Adam betas must lie in [0, 1).');
  return errs;
}
