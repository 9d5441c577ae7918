import { describe, expect, it } from 'vitest';
import { DEFAULT_APP_TRAIN } from '../../state/slices/train';
import { checkField, checkFields, FIELD_BY_KEY, TRAIN_FIELDS } from './trainFields';

describe('train fields', () => {
  it('accepts the app defaults', () => {
    expect(checkFields(DEFAULT_APP_TRAIN)).toEqual({});
  });
  it('names the field and the problem', () => {
    expect(checkField(FIELD_BY_KEY.batchSize, 0)).toBe('Batch size must be at least 1.');
    expect(checkField(FIELD_BY_KEY.batchSize, 2.5)).toBe('Batch size must be a whole number (got 2.5).');
    expect(checkField(FIELD_BY_KEY.lr, -0.1)).toBe('Learning rate cannot be negative.');
    expect(checkField(FIELD_BY_KEY.seed, 2 ** 32)).toBe('Seed can be at most 4,294,967,295.');
    expect(checkField(FIELD_BY_KEY.maxSteps, NaN)).toBe('Steps needs a number.');
    expect(checkField(FIELD_BY_KEY.gradClip, 0)).toBeNull();
    expect(checkField(FIELD_BY_KEY.lr, 1e9)).toBeNull(); // allowed: diverging is a lesson too
  });
  it('reports every bad field', () => {
    expect(Object.keys(checkFields({ ...DEFAULT_APP_TRAIN, batchSize: 0, evalEvery: -1 }))).toEqual(['evalEvery', 'batchSize']);
  });
  it('only batch size and seed rebuild the model', () => {
    expect(TRAIN_FIELDS.filter((f) => !f.live).map((f) => f.key)).toEqual(['batchSize', 'seed']);
  });
});
