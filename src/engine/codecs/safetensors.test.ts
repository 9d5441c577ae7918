import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng';
import { testSeed } from '../testing/seed';
import { InvalidCheckpointError, halfToFloat, readSafetensors, writeSafetensors, type TensorToWrite } from './safetensors';

const seed = testSeed();
const rng = new Rng(seed);
const withSeed = `(seed ${seed})`;

/** A file assembled by hand: header text (or object), raw data, optionally a lying length. */
function craft(header: unknown, data: Uint8Array = new Uint8Array(0), headerLen?: number): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLen ?? json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

const f32bytes = (values: number[]): Uint8Array => new Uint8Array(new Float32Array(values).buffer);

function expectInvalid(bytes: Uint8Array, message: string | RegExp): void {
  expect(() => readSafetensors(bytes)).toThrow(InvalidCheckpointError);
  expect(() => readSafetensors(bytes)).toThrow(message);
}

function randomTensors(): TensorToWrite[] {
  const n = 1 + rng.int(6);
  const out: TensorToWrite[] = [];
  for (let i = 0; i < n; i++) {
    const shape = Array.from({ length: rng.int(4) }, () => rng.int(6)); // rank 0..3, zero dims too
    const size = shape.reduce((a, b) => a * b, 1);
    const data = Float32Array.from({ length: size }, () => rng.normal() * 10 ** rng.int(8));
    out.push({ name: `t${i}.${['weight', 'bias', 'é', '0'][rng.int(4)]}`, shape, data });
  }
  out.push({ name: '7', shape: [2], data: new Float32Array([Infinity, -0]) }); // integer-like name
  return out;
}

describe('writeSafetensors / readSafetensors', () => {
  it(`round-trips random tensors and metadata exactly ${withSeed}`, () => {
    for (let trial = 0; trial < 20; trial++) {
      const tensors = randomTensors();
      const metadata = { format: 'test', text: 'naïve "quoted" \n 日本 🎉', empty: '' };
      const bytes = writeSafetensors(tensors, metadata);
      const headerLen = Number(new DataView(bytes.buffer).getBigUint64(0, true));
      expect(headerLen % 8, withSeed).toBe(0);
      const read = readSafetensors(bytes);
      expect(read.metadata).toEqual(metadata);
      expect([...read.tensors.keys()].sort()).toEqual(tensors.map((t) => t.name).sort());
      for (const t of tensors) {
        const r = read.tensors.get(t.name)!;
        expect(r.dtype).toBe('F32');
        expect(r.shape, `${t.name} ${withSeed}`).toEqual(t.shape);
        expect(r.data, `${t.name} ${withSeed}`).toEqual(t.data);
      }
    }
  });

  it('writes the exact bytes of a tiny file: length, metadata first, space padding, raw f32', () => {
    const bytes = writeSafetensors(
      [
        { name: 'a', shape: [2], data: new Float32Array([1, -2]) },
        { name: 'b', shape: [1, 1], data: new Float32Array([0.5]) },
      ],
      { k: 'v' },
    );
    const json = '{"__metadata__":{"k":"v"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1,1],"data_offsets":[8,12]}}';
    expect(json.length).toBe(135); // padded to 136 with 1 space
    const expected = [
      ...[136, 0, 0, 0, 0, 0, 0, 0],
      ...Array.from(json, (c) => c.charCodeAt(0)),
      0x20,
      ...[0x00, 0x00, 0x80, 0x3f], // 1.0f
      ...[0x00, 0x00, 0x00, 0xc0], // -2.0f
      ...[0x00, 0x00, 0x00, 0x3f], // 0.5f
    ];
    expect(Array.from(bytes)).toEqual(expected);
  });

  it('omits __metadata__ when there is none and pads every header length to a multiple of 8', () => {
    const empty = writeSafetensors([], {});
    expect(new TextDecoder().decode(empty.subarray(8))).toBe('{}      ');
    for (let len = 1; len <= 16; len++) {
      const bytes = writeSafetensors([{ name: 'x'.repeat(len), shape: [1], data: new Float32Array([3]) }], {});
      const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
      expect(n % 8).toBe(0);
      expect(bytes.length).toBe(8 + n + 4);
      expect(readSafetensors(bytes).tensors.get('x'.repeat(len))!.data).toEqual(new Float32Array([3]));
    }
  });

  it('reads a file that sits at an odd offset inside a larger buffer', () => {
    const bytes = writeSafetensors([{ name: 'w', shape: [3], data: new Float32Array([1, 2, 3]) }], {});
    const big = new Uint8Array(bytes.length + 3);
    big.set(bytes, 1);
    expect(readSafetensors(big.subarray(1, 1 + bytes.length)).tensors.get('w')!.data).toEqual(new Float32Array([1, 2, 3]));
  });

  it('refuses to write what it could not read back', () => {
    expect(() => writeSafetensors([{ name: 'a', shape: [2, 2], data: new Float32Array(3) }], {})).toThrow('shape [2,2] (4 elements) but 3 values');
    expect(() => writeSafetensors([{ name: 'a', shape: [-1], data: new Float32Array(0) }], {})).toThrow('invalid shape');
    const t = { name: 'a', shape: [1], data: new Float32Array(1) };
    expect(() => writeSafetensors([t, t], {})).toThrow('appears twice');
    expect(() => writeSafetensors([{ ...t, name: '__metadata__' }], {})).toThrow('reserved');
  });
});

describe('decoding half precision', () => {
  it('decodes F16 by hand-built bytes: normals, subnormals, zeros, infinities, NaN', () => {
    const cases: [number, number][] = [
      [0x3c00, 1],
      [0xc000, -2],
      [0x3555, 0.333251953125],
      [0x7bff, 65504], // largest normal
      [0x0400, 2 ** -14], // smallest normal
      [0x0001, 2 ** -24], // smallest subnormal
      [0x03ff, 1023 * 2 ** -24], // largest subnormal
      [0x0000, 0],
      [0x8000, -0],
      [0x7c00, Infinity],
      [0xfc00, -Infinity],
    ];
    const data = new Uint8Array(2 * (cases.length + 1));
    const view = new DataView(data.buffer);
    cases.forEach(([bits], i) => view.setUint16(2 * i, bits, true));
    view.setUint16(2 * cases.length, 0x7e00, true); // NaN
    const bytes = craft({ h: { dtype: 'F16', shape: [cases.length + 1], data_offsets: [0, data.length] } }, data);
    const t = readSafetensors(bytes).tensors.get('h')!;
    expect(t.dtype).toBe('F16');
    cases.forEach(([bits, want], i) => expect(Object.is(t.data[i], want), `0x${bits.toString(16)} → ${t.data[i]}`).toBe(true));
    expect(Number.isNaN(t.data[cases.length])).toBe(true);
  });

  it(`decodes F16 exactly for every random bit pattern ${withSeed}`, () => {
    // Independent oracle: every half is exactly representable in f32, so decode by the formula.
    for (let i = 0; i < 2000; i++) {
      const bits = rng.int(0x10000);
      const e = (bits >> 10) & 31;
      const f = bits & 1023;
      const s = bits >> 15 ? -1 : 1;
      const want = e === 31 ? (f ? NaN : s * Infinity) : e === 0 ? s * f * 2 ** -24 : s * 2 ** (e - 15) * (1 + f / 1024);
      expect(Object.is(halfToFloat(bits), want), `0x${bits.toString(16)} ${withSeed}`).toBe(true);
    }
  });

  it(`decodes BF16 as the top 16 bits of an f32 ${withSeed}`, () => {
    const values = Float32Array.from({ length: 64 }, () => rng.normal() * 10 ** (rng.int(20) - 10));
    values[0] = -0;
    values[1] = Infinity;
    const f32bits = new Uint32Array(values.buffer);
    const data = new Uint8Array(2 * values.length);
    const view = new DataView(data.buffer);
    f32bits.forEach((b, i) => view.setUint16(2 * i, b >>> 16, true));
    const bytes = craft({ b: { dtype: 'BF16', shape: [8, 8], data_offsets: [0, data.length] } }, data);
    const t = readSafetensors(bytes).tensors.get('b')!;
    expect(t.shape).toEqual([8, 8]);
    const truncated = new Float32Array(new Uint32Array(Array.from(f32bits, (b) => (b & 0xffff0000) >>> 0)).buffer);
    expect(t.data, withSeed).toEqual(truncated);
    expect(Object.is(t.data[0], -0)).toBe(true);
    for (let i = 2; i < values.length; i++) expect(Math.abs(t.data[i] - values[i])).toBeLessThanOrEqual(Math.abs(values[i]) * 2 ** -7);
  });
});

describe('corrupt files are rejected with a specific message', () => {
  const good = writeSafetensors(
    [
      { name: 'a', shape: [2, 3], data: new Float32Array(6).fill(1) },
      { name: 'b', shape: [4], data: new Float32Array(4).fill(2) },
    ],
    { m: 'x' },
  );
  const headerLen = Number(new DataView(good.buffer).getBigUint64(0, true));

  it(`truncated at any point ${withSeed}`, () => {
    const cuts = [0, 3, 7, 8, 9, 8 + headerLen - 1, 8 + headerLen, 8 + headerLen + 1, good.length - 4, good.length - 1, rng.int(good.length)];
    for (const cut of cuts) {
      const bytes = good.slice(0, cut);
      const want = cut < 8 ? /too short for the 8-byte header length/ : cut < 8 + headerLen ? /header length \d+ exceeds the file/ : /run past the end of the data .*truncated/;
      expect(() => readSafetensors(bytes), `cut at ${cut}`).toThrow(InvalidCheckpointError);
      expect(() => readSafetensors(bytes), `cut at ${cut}`).toThrow(want);
    }
  });

  it('a header length beyond the file or the 100 MB limit', () => {
    const bytes = new Uint8Array(2048);
    new DataView(bytes.buffer).setBigUint64(0, 1234567n, true);
    expectInvalid(bytes, 'header length 1234567 exceeds the file (2048 bytes)');
    new DataView(bytes.buffer).setBigUint64(0, 0xffffffffffffffffn, true);
    expectInvalid(bytes, 'header length 18446744073709551615 exceeds the file (2048 bytes)');
  });

  it('a header that is not UTF-8, not JSON, not an object or not starting with {', () => {
    expectInvalid(craft('{"a": '), /header is not valid JSON/);
    expectInvalid(craft('[1, 2]'), /does not start with "\{"/);
    expectInvalid(craft('{"a": 1'), /header is not valid JSON/);
    const bad = craft('{"a":1}');
    bad[10] = 0xff;
    expectInvalid(bad, 'header is not valid UTF-8');
    expectInvalid(craft('PK\u0003\u0004 zip'), /does not start with "\{"/);
  });

  it('metadata that is not an object of strings', () => {
    expectInvalid(craft({ __metadata__: { step: 3 } }), 'metadata "step" must be a string, got 3');
    expectInvalid(craft({ __metadata__: ['x'] }), '"__metadata__" must be an object of strings');
  });

  it('a wrong, unknown or unsupported dtype', () => {
    const data = f32bytes([1]);
    expectInvalid(craft({ x: { dtype: 'float32', shape: [1], data_offsets: [0, 4] } }, data), 'tensor x: "float32" is not a safetensors dtype');
    expectInvalid(craft({ x: { dtype: 'I32', shape: [1], data_offsets: [0, 4] } }, data), 'tensor x: dtype I32 is not supported (F32, F16 or BF16 expected)');
    expectInvalid(craft({ x: { shape: [1], data_offsets: [0, 4] } }, data), 'tensor x: a missing value is not a safetensors dtype');
  });

  it('a shape that is not a list of non-negative integers, or disagrees with the byte count', () => {
    const data = f32bytes(Array(12).fill(0));
    const entry = (shape: unknown) => craft({ X: { dtype: 'F32', shape, data_offsets: [0, 48] } }, data);
    expectInvalid(entry([3, -4]), 'tensor X: shape must be a list of non-negative integers, got [3,-4]');
    expectInvalid(entry([3, 4.5]), 'shape must be a list of non-negative integers');
    expectInvalid(entry('3x4'), 'shape must be a list of non-negative integers');
    const short = craft({ X: { dtype: 'F32', shape: [3, 4], data_offsets: [0, 40] } }, data.subarray(0, 40));
    expectInvalid(short, 'tensor X: shape [3,4] needs 48 bytes, offsets give 40');
    expectInvalid(entry([2 ** 40, 2 ** 40]), /needs \d.* bytes, offsets give 48/);
  });

  it('offsets malformed, reversed, out of range, overlapping, leaving gaps or trailing bytes', () => {
    const data = f32bytes([1, 2, 3, 4]);
    const two = (a: number[], b: number[]) =>
      craft({ p: { dtype: 'F32', shape: [(a[1] - a[0]) / 4], data_offsets: a }, q: { dtype: 'F32', shape: [(b[1] - b[0]) / 4], data_offsets: b } }, data);
    expectInvalid(craft({ p: { dtype: 'F32', shape: [1], data_offsets: [0] } }, data), 'tensor p: data_offsets must be two non-negative integers, got [0]');
    expectInvalid(craft({ p: { dtype: 'F32', shape: [1], data_offsets: [-4, 0] } }, data), 'data_offsets must be two non-negative integers');
    expectInvalid(craft({ p: { dtype: 'F32', shape: [1], data_offsets: [8, 4] } }, data), 'tensor p: data_offsets [8,4] end before they begin');
    expectInvalid(two([0, 8], [8, 20]), 'tensor q: data_offsets [8,20] run past the end of the data (16 bytes');
    expectInvalid(two([0, 12], [8, 16]), 'tensors p and q overlap (bytes 0–12 and 8–16)');
    expectInvalid(two([0, 8], [0, 8]), /tensors [pq] and [pq] overlap/);
    expectInvalid(two([0, 4], [8, 16]), '4 unclaimed bytes between tensors p and q');
    expectInvalid(two([4, 8], [8, 16]), '4 unclaimed bytes before tensor p');
    expectInvalid(two([0, 4], [4, 12]), '4 bytes of trailing data after the last tensor');
    expect(readSafetensors(two([8, 16], [0, 8])).tensors.get('p')!.data).toEqual(new Float32Array([3, 4])); // order in the header is free
  });

  it('an entry that is not an object', () => {
    expectInvalid(craft({ w: [0, 4] }), 'tensor w: the entry must be an object');
  });
});
