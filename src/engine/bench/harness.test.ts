import { describe, expect, it } from 'vitest';
import { groupWithBaselines } from './harness';
import type { BenchCase } from './types';

const c = (kernel: string, size: string, baseline?: string): BenchCase => ({ kernel, size, baseline, setup: async () => ({ dispatches: [] }) });

describe('groupWithBaselines', () => {
  it('pairs a case with its baseline so they are measured in alternation', () => {
    const plain = c('matmul_plain', '256');
    const tiled = c('matmul_forward', '256', 'matmul_plain 256');
    const other = c('gelu_forward', 'x');
    const groups = groupWithBaselines([plain, tiled, other]);
    expect(groups).toHaveLength(2);
    expect(groups.find((g) => g.includes(tiled))?.length).toBe(2);
  });

  it('measures every case that names the same baseline in one alternating group, chains included', () => {
    const base = c('matmul_forward', '512');
    const a = c('tile', 'a', 'matmul_forward 512');
    const b = c('tile', 'b', 'matmul_forward 512');
    const d = c('tile', 'd', 'tile b');
    const lone = c('gelu', 'x', 'missing 1');
    const groups = groupWithBaselines([a, base, b, lone, d]);
    expect(groups).toHaveLength(2);
    expect(new Set(groups[0])).toEqual(new Set([a, base, b, d]));
    expect(groups[1]).toEqual([lone]);
  });
});
