import { describe, expect, it } from 'vitest';
import type { KernelConfig } from '../engine/kernels/config';
import { appShaders } from './probe';

const config = (subgroups: boolean, lanes = false) => ({ subgroups, matmul: { lanes } }) as KernelConfig;
const files = (subgroups: boolean, lanes = false) => appShaders(config(subgroups, lanes)).map((s) => s.file);

describe('start-up probe', () => {
  it("compiles the modules the app's models use, not the benchmark-only kernels or bare libraries", () => {
    for (const subgroups of [false, true]) {
      const list = files(subgroups);
      for (const f of ['matmul.wgsl', 'attention.wgsl', 'attention_backward.wgsl', 'encoder.wgsl', 'adamw.wgsl', 'gradnorm.wgsl', 'half.wgsl']) {
        expect(list).toContain(f);
      }
      for (const f of ['matmul_plain.wgsl', 'activation.wgsl', 'residual.wgsl', 'attention_common.wgsl', 'gelu.wgsl', 'reduce_workgroup.wgsl']) {
        expect(list).not.toContain(f);
      }
      expect(new Set(list).size).toBe(list.length);
    }
  });

  it('compiles the subgroup variants of the row kernels when the configuration uses subgroups', () => {
    expect(files(false)).toContain('attention_decode.wgsl');
    expect(files(false).filter((f) => f.includes('(subgroups)'))).toEqual([]);
    expect(files(true).filter((f) => f.includes('(subgroups)'))).toEqual([
      'attention_decode.wgsl (subgroups)',
      'crossentropy.wgsl (subgroups)',
      'layernorm.wgsl (subgroups)',
    ]);
    expect(files(true)).not.toContain('attention_decode.wgsl'); // decoding rows always reduce through subgroups then
  });

  it('compiles matmul_lanes and attention as products when the configuration runs them', () => {
    expect(files(true).filter((f) => f.includes('lanes'))).toEqual([]);
    expect(files(true, true).filter((f) => f.includes('lanes'))).toEqual(['attention_lanes.wgsl (subgroups)', 'matmul_lanes.wgsl (subgroups)']);
  });
});
