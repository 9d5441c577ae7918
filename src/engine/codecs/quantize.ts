// int8 per-tensor symmetric quantisation of the flat parameter buffer, for share links: a
// quarter of the float32 size before compression, and the error is bounded per tensor by
// half a step (scale / 2), which a small GPT's samples do not notice.
//
// Symmetric (no zero point) so that an exact zero — a bias at initialisation, a pruned
// weight — dequantises to exactly zero, and one float per tensor is all the metadata.
import type { GPTConfig } from '../../core/config';
import { paramLayout, type ParamLayout, type QuantizedParams } from '../../core/params';

export type { QuantizedParams } from '../../core/params';

/** Raised when a parameter buffer or a quantised blob does not fit the config's layout. */
export class QuantizeError extends Error {
  override name = 'QuantizeError';
}

// -128 is left unused so the range is symmetric: −max and +max are both representable.
const QMAX = 127;

/** Elements of all tensors together, without the padding between them. */
export function packedSize(layout: ParamLayout): number {
  return layout.entries.reduce((s, e) => s + e.size, 0);
}

/** Quantises every tensor of `params` (the flat layout of `config`) to int8 with its own scale. */
export function quantizeParams(config: GPTConfig, params: Float32Array): QuantizedParams {
  const layout = paramLayout(config);
  if (params.length !== layout.totalElems) {
    throw new QuantizeError(`quantizeParams: ${params.length} parameters given, the layout has ${layout.totalElems}`);
  }
  const scales = new Float32Array(layout.entries.length);
  const q = new Int8Array(packedSize(layout));
  let at = 0;
  layout.entries.forEach((e, i) => {
    const t = params.subarray(e.offset, e.offset + e.size);
    let maxAbs = 0;
    for (let j = 0; j < t.length; j++) {
      const a = Math.abs(t[j]);
      // NaN fails every comparison, so test finiteness explicitly: a diverged run must not
      // become a link that silently decodes to zeros.
      if (!Number.isFinite(a)) throw new QuantizeError(`quantizeParams: ${e.name} contains a non-finite value at element ${j}`);
      if (a > maxAbs) maxAbs = a;
    }
    // The scale is rounded to float32 because that is what the link stores; quantising with
    // the stored value (not the float64 one) is what keeps the error within scale / 2.
    const scale = Math.fround(maxAbs / QMAX);
    scales[i] = scale;
    if (scale > 0) {
      for (let j = 0; j < t.length; j++) {
        // The float32 rounding of the scale can push max/scale a hair past 127: clamp.
        q[at + j] = Math.max(-QMAX, Math.min(QMAX, Math.round(t[j] / scale)));
      }
    }
    // scale 0 (all zeros, or denormals below float32's range / 127) leaves q at zero.
    at += e.size;
  });
  return { scales, q };
}

/** The flat float32 layout of `config` from quantised tensors; padding is zero. */
export function dequantizeParams(config: GPTConfig, { scales, q }: QuantizedParams): Float32Array {
  const layout = paramLayout(config);
  if (scales.length !== layout.entries.length) {
    throw new QuantizeError(`dequantizeParams: ${scales.length} scales given, the model has ${layout.entries.length} tensors`);
  }
  const expected = packedSize(layout);
  if (q.length !== expected) {
    throw new QuantizeError(`dequantizeParams: ${q.length} values given, the model has ${expected} parameters`);
  }
  const out = new Float32Array(layout.totalElems);
  let at = 0;
  layout.entries.forEach((e, i) => {
    const scale = scales[i];
    if (!(Number.isFinite(scale) && scale >= 0)) {
      throw new QuantizeError(`dequantizeParams: the scale of ${e.name} is ${scale}, not a finite number ≥ 0`);
    }
    for (let j = 0; j < e.size; j++) out[e.offset + j] = q[at + j] * scale;
    at += e.size;
  });
  return out;
}
