// The CPU engine's WebAssembly SIMD kernels (./simd-kernels.ts) with the memory they work in,
// where the runtime has them: 4-lane float32 products run about five times faster than the
// best blocked JavaScript loop, which stays as the fallback. The model's tensors stay ordinary
// Float32Arrays; a product copies its operands in (laid out as the kernels want them: rows
// padded, no transposes) and its result out, passes that are small next to the product.
// Sums here are float32: four lanes of K/4 terms for abt, K terms in sequence for ab.
import { simdModule, type AbKernel, type AbtKernel } from './simd-kernels';

const PAGE = 65536;
export const up = (x: number, to: number): number => Math.ceil(x / to) * to;

/** Places regions in the kernels' memory, in floats, each 16-byte aligned. */
export class Layout {
  total = 0;

  take(floats: number): number {
    const at = this.total;
    this.total += up(floats, 4);
    return at;
  }
}

export class Simd {
  private f32: Float32Array;

  private constructor(
    private readonly memory: WebAssembly.Memory,
    readonly abt: AbtKernel,
    readonly ab: AbKernel,
  ) {
    this.f32 = new Float32Array(memory.buffer);
  }

  /** The kernels, or null where WebAssembly or its SIMD is missing (older browsers). */
  static create(): Simd | null {
    if (typeof WebAssembly === 'undefined') return null;
    try {
      const bytes = simdModule();
      if (!WebAssembly.validate(bytes)) return null;
      const memory = new WebAssembly.Memory({ initial: 1 });
      const { exports } = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { mem: memory } });
      return new Simd(memory, exports.abt as AbtKernel, exports.ab as AbKernel);
    } catch {
      return null;
    }
  }

  /** The memory as floats, holding at least `layout.total` of them (growing detaches the old view). */
  view(layout: Layout): Float32Array {
    const need = Math.ceil(((layout.total + 8) * 4) / PAGE) - this.memory.buffer.byteLength / PAGE;
    if (need > 0) {
      this.memory.grow(need);
      this.f32 = new Float32Array(this.memory.buffer);
    }
    return this.f32;
  }

  /** Rows of X (rows, cols) into the memory at `at`, `stride` floats apart; padding zeroed. */
  static putRows(f: Float32Array, at: number, X: Float32Array, rows: number, cols: number, stride: number): void {
    if (cols === stride) {
      f.set(X.subarray(0, rows * cols), at);
      return;
    }
    for (let r = 0; r < rows; r++) {
      f.set(X.subarray(r * cols, (r + 1) * cols), at + r * stride);
      f.fill(0, at + r * stride + cols, at + (r + 1) * stride);
    }
  }

  /** out (M, N) = base + bias + A (M, K) · Bᵀ with B (N, K), as matmulABt (./matmul.ts). */
  matmulABt(out: Float32Array, A: Float32Array, B: Float32Array, M: number, N: number, K: number,
    base: Float32Array | null, bias: Float32Array | null): void {
    const [Mp, Np, Kp] = [up(M, 4), up(N, 2), up(K, 4)];
    const lay = new Layout();
    const [a, b, o] = [lay.take(Mp * Kp), lay.take(Np * Kp), lay.take(Mp * Np)];
    const f = this.view(lay);
    Simd.putRows(f, a, A, M, K, Kp);
    Simd.putRows(f, b, B, N, K, Kp);
    this.abt(o * 4, a * 4, b * 4, Mp, Np, Kp * 4, Np * 4, 0);
    for (let m = 0; m < M; m++) {
      const src = o + m * Np;
      const dst = m * N;
      if (!base && !bias) out.set(f.subarray(src, src + N), dst);
      else for (let n = 0; n < N; n++) out[dst + n] = f[src + n] + (base ? base[dst + n] : 0) + (bias ? bias[n] : 0);
    }
  }

  /**
   * The linear layer's input and weight gradients, without transposing anything:
   * dinp = dout · W (added to dinp with accumulate), dW += doutᵀ · inp.
   */
  linearBackward(dinp: Float32Array, dW: Float32Array, dout: Float32Array, inp: Float32Array, W: Float32Array,
    BT: number, C: number, OC: number, accumulate: boolean): void {
    const [BTp, OCp, Cp] = [up(BT, 4), up(OC, 4), up(C, 8)];
    const lay = new Layout();
    // dout as it is; the 4 extra floats cover doutᵀ's padded rows read past the last one
    const d = lay.take(BTp * OC + 4);
    const w = lay.take(OC * Cp);
    const x = lay.take(BT * Cp);
    const di = lay.take(BTp * Cp);
    const dw = lay.take(OCp * Cp);
    const f = this.view(lay);
    f.set(dout.subarray(0, BT * OC), d);
    Simd.putRows(f, w, W, OC, C, Cp);
    Simd.putRows(f, x, inp, BT, C, Cp);
    // dinp[r][c] = Σ_o dout[r][o]·W[o][c]: A(r, o) = dout, row-major
    this.ab(di * 4, d * 4, w * 4, BTp, Cp, OC, OC * 4, 4, Cp * 4, Cp * 4, 0);
    // dW[o][c] = Σ_r dout[r][o]·inp[r][c]: A(o, r) = dout read down its columns
    this.ab(dw * 4, d * 4, x * 4, OCp, Cp, BT, 4, OC * 4, Cp * 4, Cp * 4, 0);
    for (let r = 0; r < BT; r++) {
      const src = di + r * Cp;
      const dst = r * C;
      if (accumulate) for (let c = 0; c < C; c++) dinp[dst + c] += f[src + c];
      else dinp.set(f.subarray(src, src + C), dst);
    }
    for (let o = 0; o < OC; o++) {
      const src = dw + o * Cp;
      const dst = o * C;
      for (let c = 0; c < C; c++) dW[dst + c] += f[src + c];
    }
  }
}
