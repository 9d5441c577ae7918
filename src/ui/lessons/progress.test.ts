import { describe, expect, it } from 'vitest';
import { LESSONS } from '../../state/lessons/definitions';
import type { LessonProgress } from '../../state/lessons/runner';
import { progressAnnouncement, progressFraction, progressText, watchedInPlayground } from './progress';

const p = (over: Partial<LessonProgress>): LessonProgress => ({ run: 0, runs: 2, name: 'with the mask', phase: 'training', maxSteps: 150, ...over });

describe('lesson progress', () => {
  it('names the run, its step and its length while it trains', () => {
    expect(progressText(p({}), 40)).toBe('Run 1 of 2 — with the mask: step 40 of 150');
    expect(progressText(p({ run: 1, name: 'without the mask' }), 151)).toBe('Run 2 of 2 — without the mask: step 150 of 150');
    expect(progressText(p({ runs: 1, name: 'a fresh model', maxSteps: 300 }), 7)).toBe('A fresh model: step 7 of 300');
  });

  it('says what happens between the steps', () => {
    expect(progressText(p({ phase: 'building' }), 0)).toBe('Run 1 of 2 — with the mask: building the model…');
    expect(progressText(p({ phase: 'sampling' }), 150)).toBe('Run 1 of 2 — with the mask: writing a sample…');
    expect(progressText(p({ phase: 'attention', runs: 1, name: 'a fresh model' }), 0)).toBe('A fresh model: reading the attention maps…');
    expect(progressText(p({ phase: 'sampling', maxSteps: 0, run: 1, name: 'Sampling at temperature 1' }), 0)).toBe('Writing text 2 of 2: Sampling at temperature 1…');
    expect(progressText(p({ phase: 'sampling', maxSteps: 0, runs: 1 }), 0)).toBe('Asking the model for the next token…');
    expect(progressText(p({ phase: 'opening' }), 0)).toBe('Opening a trained model…');
    expect(progressText(p({ phase: 'preparing' }), 0)).toBe('Saving your current run…');
  });

  it('tells a screen reader the phase, not every step', () => {
    expect(progressAnnouncement(p({}))).toBe('Run 1 of 2 — with the mask: training for 150 steps.');
    expect(progressAnnouncement(p({ phase: 'building' }))).toBe('Run 1 of 2 — with the mask: building the model…');
  });

  it('fills the bar across the runs', () => {
    expect(progressFraction(p({}), 0)).toBe(0);
    expect(progressFraction(p({}), 75)).toBe(0.25);
    expect(progressFraction(p({ run: 1 }), 150)).toBe(1);
    expect(progressFraction(p({ run: 1, phase: 'building' }), 150)).toBe(0.5);
    expect(progressFraction(p({ runs: 1, phase: 'sampling' }), 0)).toBe(1);
  });

  it('sends the lessons seen on the chart or the heatmaps to the Playground', () => {
    expect(LESSONS.filter(watchedInPlayground).map((l) => l.id)).toEqual(['causal-mask', 'heads', 'positions', 'layernorm']);
  });
});
