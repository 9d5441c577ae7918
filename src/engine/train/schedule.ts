// Learning-rate schedule: linear warm-up, then cosine decay to minLr at `decaySteps`, then
// flat (as nanoGPT's get_lr). Steps count from 0.

export interface LrSchedule {
  lr: number;
  minLr: number;
  warmupSteps: number;
  /** Step at which the cosine reaches minLr (usually the run's total steps). */
  decaySteps: number;
}

export function learningRate(s: LrSchedule, step: number): number {
  if (step < s.warmupSteps) return (s.lr * (step + 1)) / (s.warmupSteps + 1);
  if (step >= s.decaySteps) return s.minLr;
  const span = s.decaySteps - s.warmupSteps;
  const ratio = span > 0 ? (step - s.warmupSteps) / span : 1;
  const coeff = 0.5 * (1 + Math.cos(Math.PI * ratio));
  return s.minLr + coeff * (s.lr - s.minLr);
}
