import { describe, expect, it } from 'vitest';
import type { GPTConfig } from '../../core/config';
import { initParams, paramLayout } from '../../core/params';
import { RefGPT } from '../ref/model';
import { CharTokenizer, trainBpe, type Tokenizer } from '../tokenize';
import { Rng } from '../../core/rng';
import { testSeed } from '../testing/seed';
import { exportCheckpoint, importCheckpoint, InvalidCheckpointError } from './checkpoint';
import { readSafetensors, writeSafetensors, type TensorToWrite } from './safetensors';

const seed = testSeed();
const rng = new Rng(seed);
const withSeed = `(seed ${seed})`;

const TEXT = 'The lamp keeper climbed the stairs at dusk, counting each step aloud. Ünïcödé 🎉\n';
const charTok = CharTokenizer.fromCorpus(TEXT);
const bpeTok = trainBpe(TEXT.repeat(3), 262);

function configFor(tok: Tokenizer, variant: Partial<GPTConfig> = {}): GPTConfig {
  return { nLayer: 2, nHead: 2, nEmbd: 16, blockSize: 8, vocabSize: tok.vocabSize, norm: 'pre', activation: 'gelu', positions: 'learned', causal: true, ...variant };
}

/** nanoGPT's init plus noise everywhere, so that biases and LN parameters are not trivial. */
function randomParams(c: GPTConfig): Float32Array {
  const layout = paramLayout(c);
  const p = initParams(c, layout, rng.nextU32());
  for (const e of layout.entries) for (let i = e.offset; i < e.offset + e.size; i++) p[i] += rng.normal() * 0.1;
  return p;
}

/** The app's demo JSON rides along as opaque metadata (the app checks it: persist/demo.ts). */
function makeDemo(c: GPTConfig, tok: Tokenizer): unknown {
  return { format: 'gpt-playground/demo', corpus: { text: TEXT }, tokenizer: { kind: tok.kind }, model: { nLayer: c.nLayer }, sample: { prompt: 'First ✓' } };
}

/** Reads a file, lets a test edit its tensors and metadata, writes it again. */
function rewrite(bytes: Uint8Array, edit: (tensors: Map<string, TensorToWrite>, meta: Record<string, string>) => void): Uint8Array {
  const { tensors, metadata } = readSafetensors(bytes);
  const map = new Map<string, TensorToWrite>([...tensors].map(([name, t]) => [name, { name, shape: t.shape, data: t.data }]));
  edit(map, metadata);
  return writeSafetensors([...map.values()], metadata);
}

function expectInvalid(bytes: Uint8Array, message: string | RegExp): void {
  let error: unknown = null;
  try {
    importCheckpoint(bytes);
  } catch (e) {
    error = e;
  }
  expect(error, withSeed).toBeInstanceOf(InvalidCheckpointError);
  expect((error as Error).message, withSeed).toMatch(message);
}

const VARIANTS: Partial<GPTConfig>[] = [];
for (const norm of ['pre', 'post'] as const)
  for (const activation of ['gelu', 'relu'] as const)
    for (const positions of ['learned', 'sinusoidal'] as const)
      for (const causal of [true, false]) VARIANTS.push({ norm, activation, positions, causal });

describe('checkpoint round trip', () => {
  it.each(VARIANTS.map((v, i) => [JSON.stringify(v), v, i % 2 ? bpeTok : charTok] as const))(
    `variant %s: params, config, tokenizer, demo and the reference logits come back ${withSeed}`,
    (_, variant, tok) => {
      const config = configFor(tok, variant);
      const params = randomParams(config);
      const demo = makeDemo(config, tok);
      const step = rng.int(100000);
      const bytes = exportCheckpoint(config, params, { tokenizer: tok.toJSON(), demo, step });
      const back = importCheckpoint(bytes);
      expect(back.config).toEqual(config);
      expect(back.params, withSeed).toEqual(params);
      expect(back.tokenizer).toEqual(tok.toJSON());
      expect(back.demo).toEqual(demo);
      expect(back.step).toBe(step);

      const T = config.blockSize;
      const tokens = Uint32Array.from({ length: T }, () => rng.int(config.vocabSize));
      const before = new RefGPT(config, params).forward(tokens, null, 1, T).logits;
      const after = new RefGPT(back.config, back.params).forward(tokens, null, 1, T).logits;
      expect(after.length).toBe(T * config.vocabSize);
      expect(after, withSeed).toEqual(before);
    },
  );

  it('writes nanoGPT state_dict names, lm_head.weight as a copy of wte, and our metadata', () => {
    const config = configFor(charTok);
    const params = randomParams(config);
    const { tensors, metadata } = readSafetensors(exportCheckpoint(config, params, { tokenizer: charTok.toJSON(), step: 7 }));
    expect(tensors.get('lm_head.weight')!.data).toEqual(tensors.get('transformer.wte.weight')!.data);
    expect(tensors.get('transformer.h.1.attn.c_attn.weight')!.shape).toEqual([48, 16]);
    expect(tensors.get('transformer.h.0.mlp.c_proj.weight')!.shape).toEqual([16, 64]);
    expect(tensors.size).toBe(paramLayout(config).entries.length + 1);
    expect(metadata.format).toBe('gpt-playground/checkpoint');
    expect(metadata.step).toBe('7');
    expect(JSON.parse(metadata.config)).toEqual(config);
    expect(JSON.parse(metadata.tokenizer)).toEqual(charTok.toJSON());
    expect(metadata.demo).toBeUndefined();
    expect(importCheckpoint(exportCheckpoint(config, params, { tokenizer: charTok.toJSON(), step: 0 })).demo).toBeNull();
  });

  it('refuses to export a file it would not import', () => {
    const config = configFor(charTok);
    const params = randomParams(config);
    expect(() => exportCheckpoint(config, params.subarray(1), { tokenizer: charTok.toJSON(), step: 0 })).toThrow('parameters given');
    expect(() => exportCheckpoint(config, params, { tokenizer: bpeTok.toJSON(), step: 0 })).toThrow(`the tokenizer has ${bpeTok.vocabSize} tokens`);
    expect(() => exportCheckpoint(config, params, { tokenizer: charTok.toJSON(), step: -1 })).toThrow('step');
  });
});

describe('checkpoints from PyTorch / nanoGPT', () => {
  const config = configFor(charTok);
  const params = randomParams(config);
  const ours = exportCheckpoint(config, params, { tokenizer: charTok.toJSON(), step: 5 });
  /** What nanoGPT's state_dict saved with save_file gives: our tensors, no metadata of ours. */
  const nanoGPT = (meta: Record<string, string>, edit?: (t: Map<string, TensorToWrite>) => void) =>
    rewrite(ours, (t, m) => {
      for (const k of Object.keys(m)) delete m[k];
      Object.assign(m, meta);
      edit?.(t);
    });

  it('infers the config from the shapes and nanoGPT model_args; the tokenizer is then null', () => {
    const args = { n_layer: 2, n_head: 2, n_embd: 16, block_size: 8, bias: true, vocab_size: charTok.vocabSize, dropout: 0.0 };
    const full = importCheckpoint(nanoGPT({ config: JSON.stringify(args), format: 'pt' }));
    expect(full.config).toEqual(config);
    expect(full.params).toEqual(params);
    expect(full.tokenizer).toBeNull();
    expect(full.demo).toBeNull();
    expect(full.step).toBe(0);
    expect(importCheckpoint(nanoGPT({ config: '{"n_head": 2}' })).config).toEqual(config);
    const withTok = importCheckpoint(nanoGPT({ config: '{"n_head": 2}', tokenizer: JSON.stringify(charTok.toJSON()), step: '300' }));
    expect(withTok.tokenizer).toEqual(charTok.toJSON());
    expect(withTok.step).toBe(300);
  });

  it('explains how to add the config when there is none (n_head cannot be inferred)', () => {
    expectInvalid(nanoGPT({}), /no "config" metadata.*number of heads.*2 layers, width 16, vocabulary \d+, block size 8.*docs\/checkpoints\.md/);
  });

  it('accepts the causal-mask buffers, a torch.compile prefix and half-precision tensors', () => {
    const mask = (l: number): TensorToWrite => ({ name: `transformer.h.${l}.attn.bias`, shape: [1, 1, 8, 8], data: new Float32Array(64).fill(1) });
    const compiled = nanoGPT({ config: '{"n_head": 2}' }, (t) => {
      for (const [name, v] of [...t]) {
        t.delete(name);
        t.set(`_orig_mod.${name}`, { ...v, name: `_orig_mod.${name}` });
      }
      t.set('m0', mask(0));
      t.set('m1', mask(1));
    });
    expect(importCheckpoint(compiled).params).toEqual(params);

    // Half precision by hand: BF16 keeps the top 16 bits of each f32.
    const half = nanoGPT({ config: '{"n_head": 2}' });
    const bf16 = toBf16(half);
    const got = importCheckpoint(bf16).params;
    for (let i = 0; i < params.length; i++) {
      expect(Math.abs(got[i] - params[i]), `index ${i} ${withSeed}`).toBeLessThanOrEqual(Math.abs(params[i]) * 2 ** -7);
    }
  });

  it('rejects a bias=False nanoGPT model as unsupported', () => {
    const noBias = nanoGPT({ config: '{"n_head": 2}' }, (t) => {
      for (const name of [...t.keys()]) if (name.endsWith('.bias')) t.delete(name);
    });
    expectInvalid(noBias, /bias=False.*not support/);
    expectInvalid(nanoGPT({ config: '{"n_head": 2, "bias": false}' }), /bias=False/);
  });

  it('rejects an untied LM head, which would be dropped silently', () => {
    const untied = nanoGPT({ config: '{"n_head": 2}' }, (t) => {
      const head = t.get('lm_head.weight')!;
      const data = head.data.slice();
      data[rng.int(data.length)] += 1;
      t.set('lm_head.weight', { ...head, data });
    });
    expectInvalid(untied, 'lm_head.weight differs from transformer.wte.weight');
  });
});

/** Re-encodes every tensor of a file as BF16 (truncating), keeping the metadata. */
function toBf16(bytes: Uint8Array): Uint8Array {
  const { tensors, metadata } = readSafetensors(bytes);
  const header: Record<string, unknown> = { __metadata__: metadata };
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of tensors) {
    const bits = new Uint32Array(t.data.buffer, t.data.byteOffset, t.data.length);
    const chunk = new Uint8Array(2 * t.data.length);
    bits.forEach((b, i) => new DataView(chunk.buffer).setUint16(2 * i, b >>> 16, true));
    header[name] = { dtype: 'BF16', shape: t.shape, data_offsets: [offset, offset + chunk.length] };
    chunks.push(chunk);
    offset += chunk.length;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let pos = 8 + json.length;
  for (const c of chunks) {
    out.set(c, pos);
    pos += c.length;
  }
  return out;
}

describe('corrupt or mismatched checkpoints are rejected with a clear message', () => {
  const config = configFor(charTok);
  const params = randomParams(config);
  const demo = makeDemo(config, charTok);
  const good = exportCheckpoint(config, params, { tokenizer: charTok.toJSON(), demo, step: 12 });
  const withMeta = (f: (m: Record<string, string>) => void) => rewrite(good, (_, m) => f(m));
  const withTensors = (f: (t: Map<string, TensorToWrite>) => void) => rewrite(good, (t) => f(t));

  it(`a truncated file, cut anywhere ${withSeed}`, () => {
    for (const cut of [0, 5, 100, good.length - 1, 1 + rng.int(good.length - 2)]) {
      expectInvalid(good.slice(0, cut), /too short|exceeds the file|run past the end of the data/);
    }
  });

  it('a tensor whose shape does not match the config', () => {
    const big = { ...config, nEmbd: 32 };
    const bigFile = exportCheckpoint(big, randomParams(big), { tokenizer: charTok.toJSON(), step: 0 });
    const name = 'transformer.h.0.attn.c_attn.weight';
    const wrong = rewrite(bigFile, (t) => t.set(name, { name, shape: [48, 16], data: new Float32Array(48 * 16) }));
    expectInvalid(wrong, 'transformer.h.0.attn.c_attn.weight has shape [48,16], the config needs [96,32]');
  });

  it('a missing tensor, or an unexpected one', () => {
    expectInvalid(
      withTensors((t) => t.delete('transformer.h.1.mlp.c_fc.bias')),
      /^missing tensor transformer\.h\.1\.mlp\.c_fc\.bias$/,
    );
    expectInvalid(
      withTensors((t) => {
        for (const n of [...t.keys()]) if (n.startsWith('transformer.h.1.')) t.delete(n);
      }),
      'missing tensors of layer 1: the config has 2 layers, the file 1',
    );
    expectInvalid(
      withTensors((t) => t.delete('transformer.h.1.attn.c_attn.weight')),
      /^missing tensor transformer\.h\.1\.attn\.c_attn\.weight$/,
    );
    expectInvalid(
      withTensors((t) => {
        for (const n of [...t.keys()]) if (n.endsWith('.bias') && !n.includes('c_attn')) t.delete(n);
      }),
      /^missing tensor transformer\.h\.0\.ln_1\.bias \(and 10 more: transformer\.h\.0\.attn\.c_proj\.bias, /,
    );
    expectInvalid(
      withTensors((t) => t.set('transformer.h.0.attn.rotary', { name: 'transformer.h.0.attn.rotary', shape: [2], data: new Float32Array(2) })),
      'unexpected tensor transformer.h.0.attn.rotary',
    );
    expectInvalid(
      withTensors((t) => t.set('transformer.h.5.attn.bias', { name: 'transformer.h.5.attn.bias', shape: [1], data: new Float32Array(1) })),
      'unexpected tensor transformer.h.5.attn.bias',
    );
  });

  it("a tokenizer whose vocabulary is not the model's", () => {
    expectInvalid(withMeta((m) => (m.tokenizer = JSON.stringify(bpeTok.toJSON()))), `the tokenizer has ${bpeTok.vocabSize} tokens but the model's vocabulary is ${charTok.vocabSize}`);
  });

  it('invalid config, tokenizer, demo, step or version metadata', () => {
    expectInvalid(withMeta((m) => (m.config = JSON.stringify({ ...config, nHead: 3 }))), 'invalid config: Width 16 must be divisible by the number of heads 3');
    expectInvalid(withMeta((m) => (m.config = JSON.stringify({ ...config, norm: 'sandwich' }))), '"config" metadata: norm must be one of pre, post, got "sandwich"');
    expectInvalid(withMeta((m) => (m.config = '{"nLayer": 2,')), '"config" metadata is not valid JSON');
    expectInvalid(withMeta((m) => (m.config = JSON.stringify({ ...config, nLayer: 1e9 }))), 'missing tensors of layers 2 to 999999999: the config has 1000000000 layers, the file 2');
    expectInvalid(withMeta((m) => (m.config = JSON.stringify({ ...config, nEmbd: 2 ** 24, nHead: 2 ** 17 }))), /^transformer\.wte\.weight has shape \[\d+,16\], the config needs \[\d+,16777216\]$/);
    expectInvalid(withMeta((m) => (m.config = '{"layers": 2}')), /neither our fields .* nor nanoGPT's n_head/);
    expectInvalid(withMeta((m) => delete m.config), '"config" metadata is missing');
    expectInvalid(withMeta((m) => delete m.tokenizer), '"tokenizer" metadata is missing');
    expectInvalid(withMeta((m) => (m.tokenizer = '{"format": "gpt-playground/tokenizer"}')), /^"tokenizer" metadata: Invalid tokenizer JSON: "version"/);
    expectInvalid(withMeta((m) => (m.demo = '{"format": ')), '"demo" metadata is not valid JSON');
    expectInvalid(withMeta((m) => (m.step = '-3')), '"step" metadata must be a whole number, got "-3"');
    expectInvalid(withMeta((m) => (m.version = '2')), 'checkpoint version 2 is not supported');
  });

  it('weights holding NaN or infinity', () => {
    const name = 'transformer.h.0.ln_2.weight';
    const bad = withTensors((t) => {
      const data = t.get(name)!.data.slice();
      data[3] = NaN;
      t.set(name, { name, shape: [16], data });
    });
    expectInvalid(bad, `${name} holds a non-finite value (NaN) at index 3`);
  });
});
