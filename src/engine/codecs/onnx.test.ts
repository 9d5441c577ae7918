// The protobuf writer against hand-computed bytes, and the exported model read back with an
// independent minimal protobuf reader: header, signature, every weight bit for bit, the
// operators each variant should (and should not) use, and a topological node order.
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type GPTConfig } from '../../core/config';
import { initParams, paramLayout, paramSpecs } from '../../core/params';
import { sinusoidalPosition } from '../ref/encoder';
import { testSeed } from '../testing/seed';
import { exportOnnx, OnnxExportError } from './onnx';
import { encodeTag, encodeVarint, ProtoWriter } from './onnx-proto';

const bytes = (...b: number[]) => Uint8Array.from(b);
const ascii = (s: string) => [...s].map((ch) => ch.charCodeAt(0));

describe('protobuf writer', () => {
  it('varints', () => {
    expect(encodeVarint(0)).toEqual(bytes(0x00));
    expect(encodeVarint(1)).toEqual(bytes(0x01));
    expect(encodeVarint(127)).toEqual(bytes(0x7f));
    expect(encodeVarint(128)).toEqual(bytes(0x80, 0x01));
    expect(encodeVarint(300)).toEqual(bytes(0xac, 0x02)); // 300 = 0b10_0101100
    expect(encodeVarint(2 ** 32)).toEqual(bytes(0x80, 0x80, 0x80, 0x80, 0x10)); // beyond 32-bit shifts
    expect(encodeVarint(2 ** 53 - 1)).toEqual(bytes(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f));
    // Negative int64: two's complement over 64 bits, always ten bytes.
    expect(encodeVarint(-1)).toEqual(bytes(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01));
    expect(encodeVarint(-2)).toEqual(bytes(0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01));
    expect(encodeVarint(2n ** 63n)).toEqual(bytes(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01));
    expect(() => encodeVarint(0.5)).toThrow(RangeError);
  });

  it('field keys', () => {
    expect(encodeTag(1, 0)).toEqual(bytes(0x08));
    expect(encodeTag(2, 2)).toEqual(bytes(0x12));
    expect(encodeTag(2, 5)).toEqual(bytes(0x15));
    expect(encodeTag(16, 2)).toEqual(bytes(0x82, 0x01)); // 16·8 + 2 = 130
    expect(encodeTag(20, 0)).toEqual(bytes(0xa0, 0x01)); // AttributeProto.type
    expect(() => encodeTag(0, 0)).toThrow(RangeError);
  });

  it('fields: the encoding guide examples, floats, negatives and nesting', () => {
    expect(new ProtoWriter().varint(1, 150).finish()).toEqual(bytes(0x08, 0x96, 0x01));
    expect(new ProtoWriter().string(2, 'testing').finish()).toEqual(bytes(0x12, 0x07, ...ascii('testing')));
    expect(new ProtoWriter().message(3, new ProtoWriter().varint(1, 150)).finish()).toEqual(bytes(0x1a, 0x03, 0x08, 0x96, 0x01));
    expect(new ProtoWriter().float(2, 1).finish()).toEqual(bytes(0x15, 0x00, 0x00, 0x80, 0x3f));
    expect(new ProtoWriter().float(2, -Infinity).finish()).toEqual(bytes(0x15, 0x00, 0x00, 0x80, 0xff));
    expect(new ProtoWriter().varint(3, -1).finish()).toEqual(bytes(0x18, ...Array(9).fill(0xff), 0x01));
    expect(new ProtoWriter().string(4, 'é').finish()).toEqual(bytes(0x22, 0x02, 0xc3, 0xa9)); // UTF-8, length in bytes
    expect(new ProtoWriter().bytes(9, new Uint8Array(0)).finish()).toEqual(bytes(0x4a, 0x00));
    const w = new ProtoWriter().varint(1, 1).string(2, 'ab');
    expect(w.length).toBe(6);
    const outer = new ProtoWriter().message(5, w).message(5, new ProtoWriter());
    expect(outer.finish()).toEqual(bytes(0x2a, 0x06, 0x08, 0x01, 0x12, 0x02, 0x61, 0x62, 0x2a, 0x00));
  });
});

// ---- A minimal protobuf reader, independent of the writer, for reading the export back. ----

type Field = { wire: number; int: bigint; data: Uint8Array };
type Msg = Map<number, Field[]>;

function readVarint(b: Uint8Array, at: { i: number }): bigint {
  let v = 0n;
  for (let shift = 0n; ; shift += 7n) {
    if (at.i >= b.length) throw new Error('truncated varint');
    const x = b[at.i++];
    v |= BigInt(x & 0x7f) << shift;
    if (!(x & 0x80)) return v;
  }
}

function parse(b: Uint8Array): Msg {
  const m: Msg = new Map();
  const at = { i: 0 };
  while (at.i < b.length) {
    const key = Number(readVarint(b, at));
    const field = key >>> 3;
    const wire = key & 7;
    let f: Field;
    if (wire === 0) f = { wire, int: readVarint(b, at), data: new Uint8Array(0) };
    else if (wire === 2) {
      const n = Number(readVarint(b, at));
      if (at.i + n > b.length) throw new Error(`field ${field} overruns the message`);
      f = { wire, int: 0n, data: b.subarray(at.i, at.i + n) };
      at.i += n;
    } else if (wire === 5) {
      f = { wire, int: 0n, data: b.subarray(at.i, at.i + 4) };
      at.i += 4;
    } else throw new Error(`unexpected wire type ${wire}`);
    if (!m.has(field)) m.set(field, []);
    m.get(field)!.push(f);
  }
  return m;
}

const all = (m: Msg, field: number) => m.get(field) ?? [];
const int = (m: Msg, field: number) => BigInt.asIntN(64, all(m, field)[0]?.int ?? 0n);
const str = (m: Msg, field: number) => new TextDecoder().decode(all(m, field)[0]?.data ?? new Uint8Array(0));
const strs = (m: Msg, field: number) => all(m, field).map((f) => new TextDecoder().decode(f.data));
const subs = (m: Msg, field: number) => all(m, field).map((f) => parse(f.data));

interface ReadNode { op: string; inputs: string[]; outputs: string[]; attrs: Map<string, Msg> }
interface ReadTensor { name: string; dims: number[]; dtype: number; raw: Uint8Array }

function readModel(model: Uint8Array) {
  const m = parse(model);
  const g = subs(m, 7)[0];
  const nodes: ReadNode[] = subs(g, 1).map((n) => ({
    op: str(n, 4),
    inputs: strs(n, 1),
    outputs: strs(n, 2),
    attrs: new Map(subs(n, 5).map((a) => [str(a, 1), a])),
  }));
  const inits: ReadTensor[] = subs(g, 5).map((t) => ({
    name: str(t, 8),
    dims: all(t, 1).map((f) => Number(f.int)),
    dtype: Number(int(t, 2)),
    raw: all(t, 9)[0].data,
  }));
  const valueInfo = (v: Msg) => {
    const tensor = subs(subs(v, 2)[0], 1)[0];
    const dims = subs(subs(tensor, 2)[0], 1).map((d) => (all(d, 2).length ? str(d, 2) : Number(int(d, 1))));
    return { name: str(v, 1), dtype: Number(int(tensor, 1)), dims };
  };
  const opsets = subs(m, 8).map((o) => ({ domain: str(o, 1), version: Number(int(o, 2)) }));
  const metadata = new Map(subs(m, 14).map((e) => [str(e, 1), str(e, 2)]));
  return {
    irVersion: Number(int(m, 1)), producer: str(m, 2), opsets, metadata, nodes, inits,
    inputs: subs(g, 11).map(valueInfo), outputs: subs(g, 12).map(valueInfo),
  };
}

const f32s = (raw: Uint8Array) => {
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  return Float32Array.from({ length: raw.length / 4 }, (_, i) => dv.getFloat32(i * 4, true));
};
const attrInt = (n: ReadNode, name: string) => int(n.attrs.get(name)!, 3);

// ---- The export, read back. ----

const tiny: GPTConfig = { ...DEFAULT_CONFIG, nLayer: 2, nHead: 2, nEmbd: 16, blockSize: 8, vocabSize: 11 };
const VARIANTS: [string, Partial<GPTConfig>][] = [
  ['pre-LN, GELU, learned, causal', {}],
  ['post-LN', { norm: 'post' }],
  ['ReLU', { activation: 'relu' }],
  ['sinusoidal positions', { positions: 'sinusoidal' }],
  ['no causal mask', { causal: false }],
];
const ALLOWED_OPS = new Set(['Gather', 'Add', 'Mul', 'Slice', 'Shape', 'Concat', 'MatMul', 'Transpose', 'Reshape', 'Split',
  'Softmax', 'Where', 'Tanh', 'Relu', 'LayerNormalization']);

describe('exportOnnx, read back', () => {
  for (const [name, v] of VARIANTS) {
    it(name, () => {
      const seed = testSeed();
      const cfg = { ...tiny, ...v, nLayer: 1 + (seed % 3) };
      const { nLayer: L, nEmbd: C, blockSize: BS, vocabSize: V } = cfg;
      const layout = paramLayout(cfg);
      const params = initParams(cfg, layout, seed);
      const m = readModel(exportOnnx(cfg, params));
      const why = `seed ${seed}, L=${L}`;

      expect(m.irVersion).toBe(8);
      expect(m.producer).toBe('gpt-playground');
      expect(m.opsets).toEqual([{ domain: '', version: 17 }]);
      expect(JSON.parse(m.metadata.get('gpt_playground.config')!)).toEqual(cfg);
      expect(m.inputs).toEqual([{ name: 'input_ids', dtype: 7, dims: [1, 'T'] }]);
      expect(m.outputs).toEqual([{ name: 'logits', dtype: 1, dims: [1, 'T', V] }]);

      // Every parameter under its state_dict name, shape and exact float32 bits; nothing else
      // named like a parameter (the tied head has no lm_head.weight).
      const byName = new Map(m.inits.map((t) => [t.name, t]));
      expect(byName.size, 'initializer names are unique').toBe(m.inits.length);
      for (const e of layout.entries) {
        const t = byName.get(e.name);
        expect(t, `${e.name} exported`).toBeDefined();
        expect(t!.dims, e.name).toEqual(e.shape);
        expect(t!.dtype, e.name).toBe(1);
        expect(f32s(t!.raw), `${e.name} values (${why})`).toEqual(params.subarray(e.offset, e.offset + e.size));
      }
      const stateDictLike = m.inits.filter((t) => t.name.startsWith('transformer.') || t.name.startsWith('lm_head'));
      expect(stateDictLike.map((t) => t.name).sort()).toEqual(paramSpecs(cfg).map((p) => p.name).sort());

      // Nodes: standard ops only, each input defined before it is read, logits produced once.
      const defined = new Set<string>(['input_ids', ...m.inits.map((t) => t.name)]);
      for (const n of m.nodes) {
        expect(ALLOWED_OPS.has(n.op), `op ${n.op}`).toBe(true);
        for (const i of n.inputs) expect(defined.has(i), `${n.op} reads ${i} before it is defined`).toBe(true);
        for (const o of n.outputs) {
          expect(defined.has(o), `${o} written twice`).toBe(false);
          defined.add(o);
        }
      }
      const count = (op: string) => m.nodes.filter((n) => n.op === op).length;
      const last = m.nodes[m.nodes.length - 1];
      expect(last.op).toBe('MatMul');
      expect(last.outputs).toEqual(['logits']);
      const headT = m.nodes.find((n) => n.outputs[0] === last.inputs[1])!;
      expect([headT.op, headT.inputs[0]], 'the LM head multiplies by wteᵀ').toEqual(['Transpose', 'transformer.wte.weight']);

      expect(count('LayerNormalization')).toBe(cfg.norm === 'pre' ? 2 * L + 1 : 2 * L);
      for (const n of m.nodes.filter((x) => x.op === 'LayerNormalization')) {
        expect(attrInt(n, 'axis')).toBe(-1n);
        expect(f32s(n.attrs.get('epsilon')!.get(2)![0].data)[0]).toBe(Math.fround(1e-5));
      }
      expect(count('Tanh')).toBe(cfg.activation === 'gelu' ? L : 0);
      expect(count('Relu')).toBe(cfg.activation === 'relu' ? L : 0);
      expect(count('Softmax')).toBe(L);
      for (const n of m.nodes.filter((x) => x.op === 'Softmax')) expect(attrInt(n, 'axis')).toBe(-1n);
      const scale = f32s(byName.get('const.attn_scale')!.raw)[0];
      expect(scale).toBe(Math.fround(1 / Math.sqrt(C / cfg.nHead)));

      expect(count('Where')).toBe(cfg.causal ? L : 0);
      const mask = byName.get('const.causal_mask');
      if (cfg.causal) {
        expect(mask!.dtype).toBe(9);
        expect(mask!.dims).toEqual([BS, BS]);
        for (let i = 0; i < BS; i++) for (let j = 0; j < BS; j++) expect(mask!.raw[i * BS + j]).toBe(j <= i ? 1 : 0);
        expect(f32s(byName.get('const.neg_inf')!.raw)[0]).toBe(-Infinity);
        for (const n of m.nodes.filter((x) => x.op === 'Where')) expect(n.inputs[2]).toBe('const.neg_inf');
      } else expect(mask).toBeUndefined();

      const sin = byName.get('const.sinusoidal_positions');
      if (cfg.positions === 'sinusoidal') {
        expect(sin!.dims).toEqual([BS, C]);
        const table = f32s(sin!.raw);
        for (let t = 0; t < BS; t++) for (let c = 0; c < C; c++) expect(table[t * C + c]).toBe(Math.fround(sinusoidalPosition(t, c, C)));
      } else expect(sin).toBeUndefined();
    });
  }
});

describe('exportOnnx rejects what it cannot export with OnnxExportError', () => {
  const params = (cfg: GPTConfig) => initParams(cfg, paramLayout(cfg), testSeed());

  it('an invalid configuration, naming the problem', () => {
    expect(() => exportOnnx({ ...tiny, nHead: 3 }, new Float32Array(0))).toThrow(/Width 16 must be divisible by the number of heads 3/);
    expect(() => exportOnnx({ ...tiny, norm: 'mid' as 'pre' }, params(tiny))).toThrow(/norm must be one of pre, post/);
    expect(() => exportOnnx({ ...tiny, causal: 'yes' as unknown as boolean }, params(tiny))).toThrow(OnnxExportError);
  });

  it('a parameter buffer of the wrong size or type', () => {
    const p = params(tiny);
    expect(() => exportOnnx(tiny, p.subarray(1))).toThrow(/parameters given, the model's layout has/);
    expect(() => exportOnnx({ ...tiny, positions: 'sinusoidal' }, p)).toThrow(OnnxExportError);
    expect(() => exportOnnx(tiny, Array.from(p) as unknown as Float32Array)).toThrow(/Float32Array/);
  });

  it('non-finite weights, naming the tensor', () => {
    const p = params(tiny);
    const e = paramLayout(tiny).byName.get('transformer.h.1.mlp.c_fc.bias')!;
    p[e.offset + 3] = NaN;
    expect(() => exportOnnx(tiny, p)).toThrow(/transformer\.h\.1\.mlp\.c_fc\.bias holds NaN at element 3/);
  });
});
