import { describe, expect, it } from 'vitest';
import type { ProfileReport } from '../../core/reports';
import { formatMs, formatShare, modeText, profileRows, summaryText } from './rows';

const timed: ProfileReport = {
  mode: 'timestamp',
  totalMs: 5,
  dispatches: 4,
  kernels: [
    { label: 'matmul_forward', count: 2, ms: 3 },
    { label: 'residual_forward', count: 1, ms: 1 },
    { label: 'gelu_forward', count: 1, ms: 0 },
  ],
};

const wall: ProfileReport = {
  mode: 'wall',
  totalMs: 12.345,
  dispatches: 4,
  kernels: [
    { label: 'matmul_forward', count: 3, ms: null },
    { label: 'residual_forward', count: 1, ms: null },
  ],
};

describe('profiler formatting', () => {
  it('writes milliseconds with about three significant digits', () => {
    expect(formatMs(null)).toBe('—');
    expect(formatMs(NaN)).toBe('—');
    expect(formatMs(0)).toBe('0 ms');
    expect(formatMs(0.004)).toBe('<0.01 ms');
    expect(formatMs(1.2345)).toBe('1.23 ms');
    expect(formatMs(12.345)).toBe('12.3 ms');
    expect(formatMs(1234.5)).toBe('1,235 ms');
  });

  it('never shows a non-zero share as 0%', () => {
    expect(formatShare(0)).toBe('0%');
    expect(formatShare(0.0004)).toBe('<0.1%');
    expect(formatShare(0.5)).toBe('50.0%');
    expect(formatShare(1)).toBe('100.0%');
  });

  it('names the mode', () => {
    expect(modeText('timestamp')).toBe('GPU timestamps');
    expect(modeText('wall')).toBe('no timestamp-query: dispatch counts and wall time');
  });
});

describe('profileRows', () => {
  it('gives time shares of the summed kernel time, in report order', () => {
    const rows = profileRows(timed);
    expect(rows.map((r) => r.label)).toEqual(['matmul_forward', 'residual_forward', 'gelu_forward']);
    expect(rows.map((r) => r.share)).toEqual([0.75, 0.25, 0]);
    expect(rows[0]).toMatchObject({ count: 2, timeText: '3.00 ms', shareText: '75.0%' });
  });

  it('gives dispatch shares without timestamps', () => {
    const rows = profileRows(wall);
    expect(rows.map((r) => r.share)).toEqual([0.75, 0.25]);
    expect(rows[0].timeText).toBe('—');
  });

  it('copes with an empty report', () => {
    expect(profileRows({ mode: 'wall', totalMs: 0, dispatches: 0, kernels: [] })).toEqual([]);
    expect(profileRows({ mode: 'timestamp', totalMs: 0, dispatches: 1, kernels: [{ label: 'x', count: 1, ms: 0 }] })[0].share).toBe(0);
  });

  it('summarises in one sentence', () => {
    expect(summaryText(timed)).toBe('4 dispatches of 3 kernels, 5.00 ms on the GPU; slowest: matmul_forward.');
    expect(summaryText(wall)).toBe('4 dispatches of 2 kernels, 12.3 ms wall time; most frequent: matmul_forward.');
    expect(summaryText({ mode: 'wall', totalMs: 1, dispatches: 1, kernels: [{ label: 'k', count: 1, ms: null }] })).toBe(
      '1 dispatch of 1 kernel, 1.00 ms wall time; most frequent: k.',
    );
  });
});
