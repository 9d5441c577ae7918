import { describe, expect, it } from 'vitest';
import { RecoveryBudget } from './recovery-budget';

describe('recovery budget', () => {
  it('allows `max` recoveries within the window, then refuses until the oldest leaves it', () => {
    let now = 0;
    const budget = new RecoveryBudget(3, 60_000, () => now);
    const at = (t: number) => ((now = t), budget.take());
    expect([at(0), at(10_000), at(20_000)]).toEqual([true, true, true]);
    expect(at(59_999)).toBe(false);
    expect(budget.recent).toBe(3);
    expect(at(60_000)).toBe(true); // the first one is a minute old
    expect(budget.recent).toBe(3);
  });
});
