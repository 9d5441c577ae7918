import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../core/config';
import {
  MAX_RUN_NAME,
  autosaveView,
  checkRunName,
  describeLink,
  describeOnnxCheck,
  formatAgo,
  formatSci,
  formatStep,
  formatUpdated,
  modelSummary,
  onnxVerdict,
  overBudgetNote,
  tokenizerSummary,
} from './format';

const { vocabSize: _v, ...model } = DEFAULT_CONFIG;
const T0 = Date.UTC(2025, 0, 15, 12, 0, 0);

describe('describeLink', () => {
  it('says whether the weights travel with the link', () => {
    expect(describeLink({ bytes: 38_200, includesWeights: true })).toBe('37 KiB link, with the trained weights');
    expect(describeLink({ bytes: 900, includesWeights: false })).toBe('900 B link, demo only: retrains the same model from the same seed');
  });
});

describe('overBudgetNote', () => {
  it('is silent for a complete link', () => {
    expect(overBudgetNote({ bytes: 2_000_000, overBudget: false }, 1_500_000)).toBeNull();
  });
  it('points to the checkpoint when the weights were left out', () => {
    expect(overBudgetNote({ bytes: 40_000, overBudget: true }, 1_500_000)).toMatch(/weights are too big for a link.*Export checkpoint/);
  });
  it('says when even the demo alone is too long', () => {
    expect(overBudgetNote({ bytes: 2_000_000, overBudget: true }, 1_500_000)).toMatch(/Even without the weights this link is 1\.9 MiB.*1\.4 MiB/);
  });
});

describe('formatAgo', () => {
  it('rounds to 5 s steps under a minute, so a 5 s tick never shows the same value twice', () => {
    expect(formatAgo(T0, T0)).toBe('just now');
    expect(formatAgo(T0, T0 + 4_900)).toBe('just now');
    expect(formatAgo(T0, T0 + 12_000)).toBe('10 s ago');
    expect(formatAgo(T0, T0 + 59_999)).toBe('55 s ago');
  });
  it('moves to minutes, hours and days', () => {
    expect(formatAgo(T0, T0 + 60_000)).toBe('1 min ago');
    expect(formatAgo(T0, T0 + 59 * 60_000)).toBe('59 min ago');
    expect(formatAgo(T0, T0 + 2 * 3_600_000)).toBe('2 h ago');
    expect(formatAgo(T0, T0 + 25 * 3_600_000)).toBe('yesterday');
    expect(formatAgo(T0, T0 + 72 * 3_600_000)).toBe('3 days ago');
  });
  it('treats a clock that went backwards as now', () => {
    expect(formatAgo(T0 + 10_000, T0)).toBe('just now');
    expect(formatAgo(NaN, T0)).toBe('some time ago');
  });
});

describe('autosaveView', () => {
  it('prefers saving, then the last save, then an explanation', () => {
    expect(autosaveView({ saving: true, lastSavedAt: T0 }, T0)).toEqual({ kind: 'saving' });
    expect(autosaveView({ saving: false, lastSavedAt: T0 }, T0 + 12_000)).toEqual({ kind: 'saved', text: 'Saved 10 s ago' });
    const idle = autosaveView({ saving: false, lastSavedAt: null }, T0);
    expect(idle.kind).toBe('idle');
    // e2e tests wait for /saved/ to mean a save happened.
    if (idle.kind === 'idle') expect(idle.text).not.toMatch(/saved/i);
  });
  it('says autosave is off for a run another tab owns, whatever else is going on', () => {
    const off = autosaveView({ saving: true, lastSavedAt: T0, access: 'read-only' }, T0);
    expect(off.kind).toBe('off');
    if (off.kind === 'off') {
      expect(off.text).toMatch(/Autosave is off: another tab has this run open.*read-only/);
      expect(off.text).not.toMatch(/saved/i);
    }
    expect(autosaveView({ saving: false, lastSavedAt: T0, access: 'owner' }, T0).kind).toBe('saved');
  });
});

describe('formatSci', () => {
  it('writes one decimal of mantissa without "+"', () => {
    expect(formatSci(3.14e-6)).toBe('3.1e-6');
    expect(formatSci(1.2e-7)).toBe('1.2e-7');
    expect(formatSci(0.25)).toBe('2.5e-1');
    expect(formatSci(12)).toBe('1.2e1');
    expect(formatSci(0)).toBe('0');
  });
  it('names non-finite values', () => {
    expect(formatSci(NaN)).toBe('NaN');
    expect(formatSci(Infinity)).toBe('∞');
    expect(formatSci(-Infinity)).toBe('−∞');
  });
});

describe('ONNX check', () => {
  it('describes the difference as the brief words it', () => {
    expect(describeOnnxCheck({ maxAbsDiff: 3.1e-6, maxRelDiff: 1.2e-7, tokens: 12 })).toBe('max |Δlogit| = 3.1e-6 over 12 positions (relative 1.2e-7)');
    expect(describeOnnxCheck({ maxAbsDiff: 0, maxRelDiff: 0, tokens: 1 })).toBe('max |Δlogit| = 0 over 1 position (relative 0)');
  });
  it('is ok below 1e-4 relative, and warns at or above it and on NaN', () => {
    expect(onnxVerdict({ maxAbsDiff: 1e-5, maxRelDiff: 9.9e-5, tokens: 3 })).toBe('ok');
    expect(onnxVerdict({ maxAbsDiff: 1e-3, maxRelDiff: 1e-4, tokens: 3 })).toBe('warn');
    expect(onnxVerdict({ maxAbsDiff: NaN, maxRelDiff: NaN, tokens: 3 })).toBe('warn');
  });
});

describe('run summaries', () => {
  it('summarises the model and only the variants that differ from GPT-2', () => {
    expect(modelSummary(model)).toBe('2 layers · 4 heads · width 64');
    expect(modelSummary({ ...model, nLayer: 1, nHead: 1 })).toBe('1 layer · 1 head · width 64');
    expect(modelSummary({ ...model, norm: 'post', activation: 'relu', positions: 'sinusoidal', causal: false })).toBe(
      '2 layers · 4 heads · width 64 · post-LN · ReLU · sinusoidal positions · no causal mask',
    );
  });
  it('names the tokenizer', () => {
    expect(tokenizerSummary({ kind: 'char' })).toBe('characters');
    expect(tokenizerSummary({ kind: 'bpe', vocabSize: 512 })).toBe('BPE 512');
  });
  it('writes steps with a fixed thousands separator', () => {
    expect(formatStep(1200)).toBe('step 1,200');
    expect(formatStep(0)).toBe('step 0');
  });
  it('is relative within a day and a date after', () => {
    expect(formatUpdated(T0, T0 + 5 * 60_000)).toBe('5 min ago');
    const old = formatUpdated(T0, T0 + 3 * 24 * 3_600_000);
    expect(old).toMatch(/2025/);
    expect(old).not.toMatch(/ago/);
  });
});

describe('checkRunName', () => {
  it('trims, and refuses empty or overlong names', () => {
    expect(checkRunName('  my run ')).toEqual({ ok: true, name: 'my run' });
    expect(checkRunName('   ').ok).toBe(false);
    expect(checkRunName('x'.repeat(MAX_RUN_NAME)).ok).toBe(true);
    const long = checkRunName('x'.repeat(MAX_RUN_NAME + 1));
    expect(long.ok).toBe(false);
    if (!long.ok) expect(long.message).toContain(String(MAX_RUN_NAME + 1));
  });
  it('keeps markup as plain text (it is rendered as text)', () => {
    expect(checkRunName('<img src=x onerror=alert(1)>')).toEqual({ ok: true, name: '<img src=x onerror=alert(1)>' });
  });
});
