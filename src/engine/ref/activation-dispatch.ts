// The MLP non-linearity chosen by the config, forward and backward.
import { geluBackward, geluForward, reluBackward, reluForward } from './activation';

export function activationForward(kind: 'gelu' | 'relu', out: Float64Array, inp: ArrayLike<number>, n: number): void {
  if (kind === 'gelu') geluForward(out, inp, n);
  else reluForward(out, inp, n);
}

/** dinp = act'(inp)·dout (overwrite). */
export function activationBackward(kind: 'gelu' | 'relu', dinp: Float64Array, inp: ArrayLike<number>, dout: ArrayLike<number>, n: number): void {
  if (kind === 'gelu') geluBackward(dinp, inp, dout, n);
  else reluBackward(dinp, inp, dout, n);
}
