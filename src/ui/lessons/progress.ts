// Words for a running lesson: the progress line ("Run 1 of 2 — with the mask: step 40 of
// 150"), the shorter one a screen reader is told when the phase changes, and whether a
// lesson is watched in the Playground (the chart, the heatmaps) or on its own card.
import type { Lesson } from '../../state/lessons/definitions';
import type { LessonProgress } from '../../state/lessons/runner';

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function head(p: LessonProgress): string {
  return p.runs > 1 ? `Run ${p.run + 1} of ${p.runs} — ${p.name}` : capital(p.name);
}

/** The visible progress line; `step` is the training step reached (from the chart's metrics). */
export function progressText(p: LessonProgress, step: number): string {
  switch (p.phase) {
    case 'preparing':
      return 'Saving your current run…';
    case 'opening':
      return 'Opening a trained model…';
    case 'building':
      return `${head(p)}: building the model…`;
    case 'training':
      return `${head(p)}: step ${Math.min(step, p.maxSteps)} of ${p.maxSteps}`;
    case 'attention':
      return `${head(p)}: reading the attention maps…`;
    case 'sampling':
      // Texts written from one model (greedy, then sampled) are not runs.
      if (p.maxSteps === 0) return p.runs > 1 ? `Writing text ${p.run + 1} of ${p.runs}: ${p.name}…` : 'Asking the model for the next token…';
      return `${head(p)}: writing a sample…`;
  }
}

/** What a screen reader is told: the phase, without the step that changes many times a second. */
export function progressAnnouncement(p: LessonProgress): string {
  return p.phase === 'training' ? `${head(p)}: training for ${p.maxSteps} steps.` : progressText(p, 0);
}

/** Fraction done of the run under way and the runs before it, 0..1, for the progress bar. */
export function progressFraction(p: LessonProgress, step: number): number {
  const inRun = p.phase === 'training' && p.maxSteps > 0 ? Math.min(1, step / p.maxSteps) : p.phase === 'sampling' || p.phase === 'attention' ? 1 : 0;
  return Math.min(1, (p.run + inRun) / Math.max(1, p.runs));
}

/** Lessons whose outcome is on the chart or the heatmaps: they are watched in the Playground. */
export const watchedInPlayground = (l: Lesson): boolean => l.show.kind === 'compare' || l.show.kind === 'heads';
