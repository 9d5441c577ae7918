import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, validateConfig, type GPTConfig } from './config';
import { countParams, initParams, paramLayout, paramSpecs } from './params';

const cfg: GPTConfig = { ...DEFAULT_CONFIG, vocabSize: 65 };

describe('parameter table', () => {
  it('has the documented reference size: L2 NH4 C64 T64 V65 → ≈108k parameters', () => {
    // wte 65·64 + wpe 64·64 + 2·(12·64² + 13·64) + 2·64
    const expected = 65 * 64 + 64 * 64 + 2 * (12 * 64 * 64 + 13 * 64) + 2 * 64;
    expect(countParams(cfg)).toBe(expected);
    expect(Math.round(expected / 1000)).toBe(108);
  });

  it('uses nanoGPT state_dict names and puts every decayed tensor first', () => {
    const specs = paramSpecs(cfg);
    expect(specs.map((s) => s.name)).toContain('transformer.h.1.attn.c_attn.weight');
    expect(specs.map((s) => s.name)).toContain('transformer.ln_f.bias');
    const firstNoDecay = specs.findIndex((s) => !s.decay);
    expect(specs.slice(firstNoDecay).every((s) => !s.decay)).toBe(true);
    expect(specs.filter((s) => s.decay).every((s) => s.shape.length === 2)).toBe(true);
    expect(specs.filter((s) => !s.decay).every((s) => s.shape.length === 1)).toBe(true);
  });

  it('variants change the table: sinusoidal has no wpe, post-LN no ln_f', () => {
    const names = paramSpecs({ ...cfg, positions: 'sinusoidal', norm: 'post' }).map((s) => s.name);
    expect(names).not.toContain('transformer.wpe.weight');
    expect(names).not.toContain('transformer.ln_f.weight');
  });

  it('aligns every tensor to 256 bytes and marks the decay boundary', () => {
    const layout = paramLayout(cfg);
    for (const e of layout.entries) expect((e.offset * 4) % 256).toBe(0);
    const lastDecay = layout.entries.filter((e) => e.decay).at(-1)!;
    expect(layout.decayEnd).toBe(lastDecay.offset + lastDecay.size);
    expect(layout.entries.filter((e) => !e.decay).every((e) => e.offset >= layout.decayEnd)).toBe(true);
  });

  it('initialises as nanoGPT does, deterministically per seed', () => {
    const layout = paramLayout(cfg);
    const p = initParams(cfg, layout, 1337);
    const q = initParams(cfg, layout, 1337);
    expect(p).toEqual(q);
    const std = (name: string) => {
      const e = layout.byName.get(name)!;
      const v = p.subarray(e.offset, e.offset + e.size);
      const mean = v.reduce((a, b) => a + b, 0) / v.length;
      return Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
    };
    expect(std('transformer.h.0.mlp.c_fc.weight')).toBeCloseTo(0.02, 2);
    expect(std('transformer.h.0.attn.c_proj.weight')).toBeCloseTo(0.01, 2); // 0.02/√(2·2)
    const g = layout.byName.get('transformer.h.1.ln_2.weight')!;
    expect(Array.from(p.subarray(g.offset, g.offset + g.size)).every((x) => x === 1)).toBe(true);
    const b = layout.byName.get('transformer.h.1.mlp.c_fc.bias')!;
    expect(Array.from(p.subarray(b.offset, b.offset + b.size)).every((x) => x === 0)).toBe(true);
  });
});

describe('validateConfig', () => {
  it('accepts the default and explains what is wrong otherwise', () => {
    expect(validateConfig(cfg)).toEqual([]);
    expect(validateConfig({ ...cfg, nHead: 3 })[0]).toMatch(/divisible/);
    expect(validateConfig({ ...cfg, nEmbd: 512, nHead: 2 })[0]).toMatch(/Head size 256/);
    expect(validateConfig({ ...cfg, nLayer: 0 })[0]).toMatch(/Layers must be a positive/);
  });
});
