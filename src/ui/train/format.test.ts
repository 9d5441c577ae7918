import { describe, expect, it } from 'vitest';
import { formatDuration, formatLinearTick, formatLogTick, formatLoss, formatLr, formatMs, formatRate, formatStepTick, NONE } from './format';

describe('formatDuration', () => {
  it('uses seconds, then minutes and seconds, then hours and minutes', () => {
    expect(formatDuration(0.2)).toBe('<1s');
    expect(formatDuration(42)).toBe('42s');
    expect(formatDuration(185)).toBe('3m 05s');
    expect(formatDuration(3720)).toBe('1h 02m');
    expect(formatDuration(36000)).toBe('10h 00m');
  });
  it('rounds before splitting, so nothing reads 60s', () => {
    expect(formatDuration(59.6)).toBe('1m 00s');
    expect(formatDuration(3599.7)).toBe('1h 00m');
  });
  it('says nothing for unknown durations', () => {
    expect(formatDuration(NaN)).toBe(NONE);
    expect(formatDuration(Infinity)).toBe(NONE);
    expect(formatDuration(-1)).toBe(NONE);
  });
});

describe('formatLoss', () => {
  it('shows three decimals and names non-finite losses', () => {
    expect(formatLoss(2.34567)).toBe('2.346');
    expect(formatLoss(NaN)).toBe('NaN');
    expect(formatLoss(Infinity)).toBe('∞');
    expect(formatLoss(123.45)).toBe('123.5');
    expect(formatLoss(1.1457066e52)).toBe('1.15e52');
  });
});

describe('formatLr', () => {
  it('writes small rates in e-notation and trims zeros', () => {
    expect(formatLr(1e-3)).toBe('1e-3');
    expect(formatLr(3e-3)).toBe('3e-3');
    expect(formatLr(0.0025)).toBe('2.5e-3');
    expect(formatLr(3e-4)).toBe('3e-4');
    expect(formatLr(0.05)).toBe('0.05');
    expect(formatLr(0.1)).toBe('0.1');
    expect(formatLr(1)).toBe('1');
    expect(formatLr(0)).toBe('0');
    expect(formatLr(1e9)).toBe('1e9');
  });
});

describe('rates, times and ticks', () => {
  it('formats tokens per second as a whole number', () => {
    expect(formatRate(48213.4)).toBe('48213');
    expect(formatRate(NaN)).toBe(NONE);
  });
  it('formats milliseconds to about three digits', () => {
    expect(formatMs(4.2137)).toBe('4.21');
    expect(formatMs(12.34)).toBe('12.3');
    expect(formatMs(250.4)).toBe('250');
    expect(formatMs(NaN)).toBe(NONE);
  });
  it('shortens thousands of steps', () => {
    expect(formatStepTick(750)).toBe('750');
    expect(formatStepTick(1000)).toBe('1k');
    expect(formatStepTick(1500)).toBe('1.5k');
    expect(formatStepTick(20000)).toBe('20k');
  });
  it('gives linear ticks the decimals their spacing needs', () => {
    expect(formatLinearTick(2.5, 0.5)).toBe('2.5');
    expect(formatLinearTick(2, 0.5)).toBe('2.0');
    expect(formatLinearTick(3, 1)).toBe('3');
    expect(formatLinearTick(0.25, 0.05)).toBe('0.25');
    expect(formatLinearTick(-1e-17, 0.1)).toBe('0.0');
    expect(formatLinearTick(8e52, 2e52)).toBe('8e52');
    expect(formatLinearTick(0, 2e52)).toBe('0');
  });
  it('writes log ticks compactly', () => {
    expect(formatLogTick(2)).toBe('2');
    expect(formatLogTick(0.5)).toBe('0.5');
    expect(formatLogTick(1e-3)).toBe('1e-3');
  });
});
