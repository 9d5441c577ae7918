import { describe, expect, it } from 'vitest';
import { parseBenchSteps } from './benchmark';

describe('?benchSteps=', () => {
  it('reads a whole number of timed steps from the address', () => {
    expect(parseBenchSteps('?benchSteps=1')).toBe(1);
    expect(parseBenchSteps('?demo=none&benchSteps=25')).toBe(25);
    expect(parseBenchSteps('?benchSteps=1000')).toBe(1000);
  });

  it('is null when absent or not a whole number from 1 to 1000', () => {
    for (const bad of ['', '?demo=none', '?benchSteps=', '?benchSteps=0', '?benchSteps=-3', '?benchSteps=2.5', '?benchSteps=1e2', '?benchSteps=1001']) expect(parseBenchSteps(bad)).toBeNull();
  });
});
