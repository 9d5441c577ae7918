import { describe, expect, it } from 'vitest';
import { formatBytes } from './format';

describe('formatBytes', () => {
  it('binary units, one decimal below 10, none above', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1024)).toBe('1.0 KiB');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(10_188)).toBe('9.9 KiB');
    expect(formatBytes(10_200)).toBe('10 KiB');
    expect(formatBytes(200 * 1024)).toBe('200 KiB');
    expect(formatBytes(1023 * 1024)).toBe('1023 KiB');
    expect(formatBytes(2.5 * 2 ** 20)).toBe('2.5 MiB');
    expect(formatBytes(256 * 2 ** 20)).toBe('256 MiB');
    expect(formatBytes(1.5 * 2 ** 30)).toBe('1.5 GiB');
    expect(formatBytes(3 * 2 ** 40)).toBe('3.0 TiB');
    expect(formatBytes(5000 * 2 ** 40)).toBe('5000 TiB');
  });

  it('never prints NaN units', () => {
    expect(formatBytes(NaN)).toBe('NaN B');
  });
});
