// Just enough of the WebAssembly binary format to assemble the CPU engine's SIMD kernels
// (./simd-kernels.ts) at run time: integer encodings, the instructions they use, a counted
// loop, and a module of functions over one imported memory.

export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) return [...out, b];
    out.push(b | 0x80);
  }
}

const name = (s: string) => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
const section = (id: number, bytes: number[]) => [id, ...uleb(bytes.length), ...bytes];
const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];

export const I32 = 0x7f;
export const V128 = 0x7b;

const simd = (code: number, ...imm: number[]) => [0xfd, ...uleb(code), ...imm];

/** The instructions the kernels use, as byte sequences. Memory accesses: align 4 (a hint). */
export const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  if: [0x04, 0x40],
  end: [0x0b],
  br: (depth: number) => [0x0c, depth],
  brIf: (depth: number) => [0x0d, depth],
  get: (i: number) => [0x20, ...uleb(i)],
  set: (i: number) => [0x21, ...uleb(i)],
  i32: (v: number) => [0x41, ...sleb(v)],
  add: [0x6a],
  mul: [0x6c],
  eq: [0x46],
  ltU: [0x49],
  geU: [0x4f],
  f32Load: [0x2a, 2, 0],
  f32Store: [0x38, 2, 0],
  f32Add: [0x92],
  v128Load: (offset = 0) => simd(0x00, 2, ...uleb(offset)),
  v128Store: (offset = 0) => simd(0x0b, 2, ...uleb(offset)),
  v128Zero: simd(0x0c, ...new Array<number>(16).fill(0)),
  f32x4Splat: simd(0x13),
  f32x4Lane: (i: number) => simd(0x1f, i),
  f32x4Add: simd(0xe4),
  f32x4Mul: simd(0xe6),
};

/** local = value (an instruction sequence leaving one i32). */
export const assign = (local: number, value: number[]) => [...value, ...op.set(local)];
/** The i32 sum of locals and constants: terms are local indices, or [constant]. */
export const sum = (...terms: (number | [number])[]) =>
  terms.flatMap((t, i) => [...(typeof t === 'number' ? op.get(t) : op.i32(t[0])), ...(i > 0 ? op.add : [])]);
/** local_a · local_b. */
export const product = (a: number, b: number) => [...op.get(a), ...op.get(b), ...op.mul];

/** `body` while local `counter` < local `limit` (unsigned), then counter += step; counter starts at `from`. */
export function forLoop(counter: number, from: number[], limit: number, step: number, body: number[]): number[] {
  return [
    ...from, ...op.set(counter),
    ...op.block, ...op.loop,
    ...op.get(counter), ...op.get(limit), ...op.geU, ...op.brIf(1),
    ...body,
    ...op.get(counter), ...op.i32(step), ...op.add, ...op.set(counter),
    ...op.br(0), ...op.end, ...op.end,
  ];
}

export interface WasmFunction {
  name: string;
  /** Number of i32 parameters. */
  params: number;
  /** Number of i32 and of v128 locals after the parameters, in that order. */
  i32Locals: number;
  v128Locals: number;
  code: number[];
}

/** A module importing env.mem (at least one page) and exporting `functions`, each (i32…) → (). */
export function wasmModule(functions: readonly WasmFunction[]): Uint8Array<ArrayBuffer> {
  const types = functions.map((f) => [0x60, ...vec(Array.from({ length: f.params }, () => [I32])), 0x00]);
  const bodies = functions.map((f) => {
    const body = [...vec([[...uleb(f.i32Locals), I32], [...uleb(f.v128Locals), V128]]), ...f.code, ...op.end];
    return [...uleb(body.length), ...body];
  });
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(2, vec([[...name('env'), ...name('mem'), 0x02, 0x00, 0x01]])),
    ...section(3, vec(functions.map((_, i) => uleb(i)))),
    ...section(7, vec(functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]))),
    ...section(10, vec(bodies)),
  ]);
}
