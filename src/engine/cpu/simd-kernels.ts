// The CPU engine's two WebAssembly SIMD kernels (4-lane float32), assembled with ./wasm-asm.ts.
// Every matrix product of the model is one of them; ./simd.ts lays the operands out for them.
// Pointers and strides are in bytes; a block of outputs accumulates in eight f32x4 locals,
// which with the six vectors loaded per step fit the sixteen vector registers of x86-64.
//
//   abt(out, a, b, M, N, KB, ldo, band)      out[m][n] = Σ_k a[m][k]·b[n][k]
//     rows of a and b KB bytes long (K padded with ZEROS to a multiple of 4: they are summed),
//     SIMD along k: blocks of 4 m × 2 n, each output four partial sums then added.
//     M a multiple of 4, N of 2. band 1: only n < m + 4 (the blocks a causal mask needs).
//
//   ab(out, a, b, M, N, K, sAi, sAk, ldb, ldo, band)   out[i][j] = Σ_k A(i,k)·b[k][j]
//     A(i, k) = the float at a + i·sAi + k·sAk (any layout: row- or column-major), b rows
//     ldb bytes apart; SIMD along j: blocks of 4 i × 8 j, each A value splat to a vector.
//     M a multiple of 4, N of 8; K any. band 1: k < i + 4 (A zero above its diagonal);
//     band 2: k ≥ i (A zero below it).
//
// Rows and columns of padding (m ≥ the real M, …) may hold anything: they only reach outputs
// that are not read; ab never reads past k = K.
import { assign, forLoop, op, product, sum, wasmModule, type WasmFunction } from './wasm-asm';

const pairs = (rows: number, cols: number): [number, number][] =>
  Array.from({ length: rows * cols }, (_, i) => [Math.floor(i / cols), i % cols]);

/** `local` = min(local, bound + extra) when `flag` equals `value`. */
function clampWhen(flag: number, value: number, local: number, bound: number, extra: number): number[] {
  return [
    ...op.get(flag), ...op.i32(value), ...op.eq, ...op.if,
    ...sum(bound, [extra]), ...op.get(local), ...op.ltU, ...op.if,
    ...assign(local, sum(bound, [extra])),
    ...op.end, ...op.end,
  ];
}

function abt(): WasmFunction {
  const [OUT, A, B, M, N, KB, LDO, BAND] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [m, n, k, nEnd, t] = [8, 9, 10, 11, 12];
  const pa = [13, 14, 15, 16];
  const pb = [17, 18];
  const acc = (r: number, c: number) => 19 + r * 2 + c;
  const av = (r: number) => 27 + r;
  const bv = (c: number) => 31 + c;
  const kLoop = forLoop(k, op.i32(0), KB, 16, [
    ...pa.flatMap((p, r) => [...sum(p, k), ...op.v128Load(), ...op.set(av(r))]),
    ...pb.flatMap((p, c) => [...sum(p, k), ...op.v128Load(), ...op.set(bv(c))]),
    ...pairs(4, 2).flatMap(([r, c]) => [...op.get(acc(r, c)), ...op.get(av(r)), ...op.get(bv(c)), ...op.f32x4Mul, ...op.f32x4Add, ...op.set(acc(r, c))]),
  ]);
  const store = pairs(4, 2).flatMap(([r, c]) => [
    // out + (m + r)·ldo + (n + c)·4
    ...assign(t, sum(m, [r])), ...op.get(OUT), ...product(t, LDO), ...op.add,
    ...assign(t, sum(n, [c])), ...op.get(t), ...op.i32(4), ...op.mul, ...op.add,
    ...op.get(acc(r, c)), ...op.f32x4Lane(0), ...op.get(acc(r, c)), ...op.f32x4Lane(1), ...op.f32Add,
    ...op.get(acc(r, c)), ...op.f32x4Lane(2), ...op.f32Add, ...op.get(acc(r, c)), ...op.f32x4Lane(3), ...op.f32Add,
    ...op.f32Store,
  ]);
  const rowPtr = (base: number, row: number, i: number, out: number) => [...assign(t, sum(row, [i])), ...op.get(base), ...product(t, KB), ...op.add, ...op.set(out)];
  const nLoop = forLoop(n, op.i32(0), nEnd, 2, [
    ...pb.flatMap((p, c) => rowPtr(B, n, c, p)),
    ...pairs(4, 2).flatMap(([r, c]) => [...op.v128Zero, ...op.set(acc(r, c))]),
    ...kLoop,
    ...store,
  ]);
  const code = forLoop(m, op.i32(0), M, 4, [
    ...assign(nEnd, op.get(N)),
    ...clampWhen(BAND, 1, nEnd, m, 4),
    ...pa.flatMap((p, r) => rowPtr(A, m, r, p)),
    ...nLoop,
  ]);
  return { name: 'abt', params: 8, i32Locals: 11, v128Locals: 14, code };
}

function ab(): WasmFunction {
  const [OUT, A, B, M, N, K, SAI, SAK, LDB, LDO, BAND] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const [i, j, k, kBeg, kEnd, pb, t] = [11, 12, 13, 14, 15, 16, 17];
  const pa = [18, 19, 20, 21];
  const acc = (r: number, c: number) => 22 + r * 2 + c;
  const x = (r: number) => 30 + r;
  const bv = (c: number) => 34 + c;
  const kLoop = forLoop(k, op.get(kBeg), kEnd, 1, [
    ...pa.flatMap((p, r) => [...op.get(p), ...op.f32Load, ...op.f32x4Splat, ...op.set(x(r))]),
    ...op.get(pb), ...op.v128Load(0), ...op.set(bv(0)),
    ...op.get(pb), ...op.v128Load(16), ...op.set(bv(1)),
    ...pairs(4, 2).flatMap(([r, c]) => [...op.get(acc(r, c)), ...op.get(x(r)), ...op.get(bv(c)), ...op.f32x4Mul, ...op.f32x4Add, ...op.set(acc(r, c))]),
    ...pa.flatMap((p) => assign(p, sum(p, SAK))),
    ...assign(pb, sum(pb, LDB)),
  ]);
  const store = pairs(4, 2).flatMap(([r, c]) => [
    // out + (i + r)·ldo + j·4, the vector c at +16c
    ...assign(t, sum(i, [r])), ...op.get(OUT), ...product(t, LDO), ...op.add,
    ...op.get(j), ...op.i32(4), ...op.mul, ...op.add,
    ...op.get(acc(r, c)), ...op.v128Store(16 * c),
  ]);
  const jLoop = forLoop(j, op.i32(0), N, 8, [
    ...pairs(4, 2).flatMap(([r, c]) => [...op.v128Zero, ...op.set(acc(r, c))]),
    // a + (i + r)·sAi + kBeg·sAk, b + kBeg·ldb + j·4
    ...pa.flatMap((p, r) => [...assign(t, sum(i, [r])), ...op.get(A), ...product(t, SAI), ...op.add, ...product(kBeg, SAK), ...op.add, ...op.set(p)]),
    ...assign(pb, [...op.get(B), ...product(kBeg, LDB), ...op.add, ...op.get(j), ...op.i32(4), ...op.mul, ...op.add]),
    ...kLoop,
    ...store,
  ]);
  const code = forLoop(i, op.i32(0), M, 4, [
    ...assign(kBeg, op.i32(0)),
    ...assign(kEnd, op.get(K)),
    ...clampWhen(BAND, 1, kEnd, i, 4),
    ...op.get(BAND), ...op.i32(2), ...op.eq, ...op.if, ...assign(kBeg, op.get(i)), ...op.end,
    ...jLoop,
  ]);
  return { name: 'ab', params: 11, i32Locals: 11, v128Locals: 14, code };
}

export type AbtKernel = (out: number, a: number, b: number, M: number, N: number, KB: number, ldo: number, band: number) => void;
export type AbKernel = (out: number, a: number, b: number, M: number, N: number, K: number, sAi: number, sAk: number, ldb: number, ldo: number, band: number) => void;

/** The module (a few hundred bytes): imports env.mem, exports abt and ab. */
export function simdModule(): Uint8Array<ArrayBuffer> {
  return wasmModule([abt(), ab()]);
}
