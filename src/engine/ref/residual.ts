// float64 reference for residual.wgsl.

export function residualForward(out: Float64Array, a: ArrayLike<number>, b: ArrayLike<number>, n: number): void {
  for (let i = 0; i < n; i++) out[i] = a[i] + b[i];
}

/** The backward of out = a + b: both inputs receive dout. */
export function residualBackward(da: Float64Array, db: Float64Array, dout: ArrayLike<number>, n: number): void {
  for (let i = 0; i < n; i++) {
    da[i] += dout[i];
    db[i] += dout[i];
  }
}

export function residualAccumulate(x: Float64Array, y: ArrayLike<number>, n: number): void {
  for (let i = 0; i < n; i++) x[i] += y[i];
}
