import { describe, expect, it } from 'vitest';
import { ablatedList, ablationsOf, hasUnit, toggleUnit } from './ablation-list';

describe('the units switched off', () => {
  it('toggles a unit in and out, kept in the model order', () => {
    let units = toggleUnit([], { layer: 1, part: 'mlp' });
    units = toggleUnit(units, { layer: 0, head: 1 });
    units = toggleUnit(units, { layer: 1, head: 0 });
    units = toggleUnit(units, { layer: 1, part: 'attn' });
    expect(ablatedList(units)).toBe('L1 H2, L2 H1, L2 attention, L2 MLP');
    expect(hasUnit(units, { layer: 1, head: 0 })).toBe(true);
    units = toggleUnit(units, { layer: 1, head: 0 });
    expect(hasUnit(units, { layer: 1, head: 0 })).toBe(false);
    expect(ablatedList(units)).toBe('L1 H2, L2 attention, L2 MLP');
  });
  it('tells a head from a sublayer of the same layer', () => {
    const units = toggleUnit([{ layer: 0, head: 0 }], { layer: 0, part: 'attn' });
    expect(units).toHaveLength(2);
    expect(hasUnit(units, { layer: 0, part: 'mlp' })).toBe(false);
  });
  it('sends every unit with the one mode chosen', () => {
    expect(ablationsOf([{ layer: 0, head: 2 }], 'mean')).toEqual([{ unit: { layer: 0, head: 2 }, mode: 'mean' }]);
    expect(ablatedList([])).toBe('');
  });
});
