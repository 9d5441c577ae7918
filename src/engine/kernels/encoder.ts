// encoder.wgsl: token + position embedding, and its deterministic (bucketed) backward.
import type { Gpu } from '../gpu/device';
import { ceilDiv, createUniform, grid1d, makeDispatch, type Dispatch } from '../gpu/dispatch';
import { ShapeError } from '../gpu/errors';
import { expectDtype, expectShape, type Tensor } from '../gpu/tensor';
import { shaderSource } from './shaders';

/** Learned positions read a (maxT, C) table wpe; sinusoidal ones are computed (a model variant). */
export type PositionEncoding = 'learned' | 'sinusoidal';

export interface EncoderOptions {
  positions: PositionEncoding;
}

const shader = shaderSource('encoder.wgsl');
const WG = 64;

function params(gpu: Gpu, B: number, T: number, C: number, V: number, chunks = 0): GPUBuffer {
  return createUniform(gpu, 'encoder.params', [['u32', B], ['u32', T], ['u32', C], ['u32', V], ['u32', chunks]]);
}

/** Checks that a (maxT, C) position table is present exactly when positions are learned. */
function checkPositionTable(what: string, table: Tensor | null, T: number, C: number, opts: EncoderOptions): void {
  if (opts.positions === 'sinusoidal') {
    if (table) throw new ShapeError(`${what}: sinusoidal positions take no ${table.label} (pass null)`);
    return;
  }
  if (!table) throw new ShapeError(`${what}: learned positions need a (maxT, C) table`);
  expectDtype(what, table, 'f32');
  expectShape(what, table, [-1, C]);
  if (table.shape[0] < T) {
    throw new ShapeError(`${what}: ${table.label} has ${table.shape[0]} positions, the sequence needs ${T}`);
  }
}

/**
 * out[b,t,:] = wte[tokens[b,t],:] + PE[t,:]. PE is wpe (maxT ≥ T rows) for learned positions,
 * or the sinusoidal code computed in the shader (wpe null). A token ≥ V gives a NaN row.
 */
export function encoderForward(
  gpu: Gpu,
  out: Tensor, // (B, T, C)
  tokens: Tensor, // (B, T) u32
  wte: Tensor, // (V, C)
  wpe: Tensor | null, // (maxT, C), null for sinusoidal positions
  opts: EncoderOptions,
): Promise<Dispatch> {
  const what = 'encoderForward';
  expectShape(what, out, [-1, -1, -1]);
  const [B, T, C] = out.shape;
  expectDtype(what, out, 'f32');
  expectDtype(what, tokens, 'u32');
  expectShape(what, tokens, [B, T]);
  expectDtype(what, wte, 'f32');
  expectShape(what, wte, [-1, C]);
  checkPositionTable(what, wpe, T, C, opts);
  const V = wte.shape[0];
  const u = params(gpu, B, T, C, V);
  const learned = opts.positions === 'learned';
  const entryPoint = learned ? 'encoder_forward_learned' : 'encoder_forward_sinusoidal';
  return makeDispatch(gpu, entryPoint, { shader, entryPoint, constants: { WG } },
    [out, tokens, wte, learned ? wpe : null, u], grid1d(gpu, ceilDiv(B * T * C, WG)));
}

/**
 * One position of the encoder, for KV-cached generation: out[0,:] = wte[tokens[t],:] + PE[t,:]
 * with t = position[0], read when the dispatch runs (written once per generated token).
 * tokens holds the whole context (maxT); a position ≥ maxT or a token ≥ V gives NaN.
 */
export function encoderDecode(
  gpu: Gpu,
  out: Tensor, // (1, C)
  tokens: Tensor, // (maxT) u32
  wte: Tensor, // (V, C)
  wpe: Tensor | null, // (maxT, C), null for sinusoidal positions
  position: Tensor, // (1) u32
  opts: EncoderOptions,
): Promise<Dispatch> {
  const what = 'encoderDecode';
  expectShape(what, out, [1, -1]);
  const C = out.shape[1];
  expectDtype(what, tokens, 'u32');
  expectShape(what, tokens, [-1]);
  expectDtype(what, position, 'u32');
  expectShape(what, position, [1]);
  expectShape(what, wte, [-1, C]);
  const maxT = tokens.shape[0];
  checkPositionTable(what, wpe, maxT, C, opts);
  const u = params(gpu, 1, maxT, C, wte.shape[0]);
  const learned = opts.positions === 'learned';
  const entryPoint = learned ? 'encoder_decode_learned' : 'encoder_decode_sinusoidal';
  return makeDispatch(gpu, entryPoint, { shader, entryPoint, constants: { WG } },
    [out, tokens, wte, learned ? wpe : null, u, position], grid1d(gpu, ceilDiv(C, WG)));
}

/**
 * dwte[v,:] += Σ_{p in bucket v} dout[p,:] and, for learned positions, dwpe[t,:] += Σ_b dout[b,t,:].
 * The buckets (from buildTokenBuckets) must describe the tokens of the same batch; they are
 * read when the dispatch runs, so the caller uploads each batch's buckets before the step.
 */
export async function encoderBackward(
  gpu: Gpu,
  dwte: Tensor, // (V, C), accumulated
  dwpe: Tensor | null, // (maxT, C), accumulated; null for sinusoidal positions
  dout: Tensor, // (B, T, C)
  bucketOffsets: Tensor, // (V + 1) u32
  bucketPositions: Tensor, // (B·T) u32
  opts: EncoderOptions,
): Promise<Dispatch[]> {
  const what = 'encoderBackward';
  expectShape(what, dout, [-1, -1, -1]);
  const [B, T, C] = dout.shape;
  expectDtype(what, dout, 'f32');
  expectDtype(what, dwte, 'f32');
  expectShape(what, dwte, [-1, C]);
  const V = dwte.shape[0];
  expectDtype(what, bucketOffsets, 'u32');
  expectShape(what, bucketOffsets, [V + 1]);
  expectDtype(what, bucketPositions, 'u32');
  expectShape(what, bucketPositions, [B * T]);
  checkPositionTable(what, dwpe, T, C, opts);

  const chunks = ceilDiv(C, WG);
  const wteParams = params(gpu, B, T, C, V, chunks);
  const dispatches = [
    await makeDispatch(gpu, 'encoder_backward_wte', { shader, entryPoint: 'encoder_backward_wte', constants: { WG } },
      [dwte, dout, bucketOffsets, bucketPositions, wteParams], grid1d(gpu, V * chunks)),
  ];
  if (dwpe) {
    const wpeParams = params(gpu, B, T, C, V);
    dispatches.push(
      await makeDispatch(gpu, 'encoder_backward_wpe', { shader, entryPoint: 'encoder_backward_wpe', constants: { WG } },
        [dwpe, dout, null, null, wpeParams], grid1d(gpu, ceilDiv(T * C, WG))),
    );
  }
  return dispatches;
}
