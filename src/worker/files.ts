// The model as files and links: checkpoint and ONNX bytes, int8 weights for a share link, and
// the way back. The app keeps, names and stores these bytes; the engine's codecs make them
// here, in the worker, where the weights are.
import type { GPTConfig } from '../core/config';
import type { QuantizedParams } from '../core/params';
import type { CheckpointContents, InitialState, ModelInit } from '../core/protocol';
import type { TokenizerJSON } from '../core/tokenizer-json';
import { exportCheckpoint, importCheckpoint } from '../engine/codecs/checkpoint';
import { exportOnnx } from '../engine/codecs/onnx';
import { QuantizeError, dequantizeParams, quantizeParams } from '../engine/codecs/quantize';
import { InputError } from './errors';

export function checkpointBytes(config: GPTConfig, params: Float32Array, tokenizer: TokenizerJSON, step: number, demo: unknown): Uint8Array {
  return exportCheckpoint(config, params, { tokenizer, demo, step });
}

/** Reads a checkpoint file; throws InvalidCheckpointError naming what is wrong with it. */
export function readCheckpoint(bytes: Uint8Array): CheckpointContents {
  return importCheckpoint(bytes);
}

export const onnxBytes = (config: GPTConfig, params: Float32Array): Uint8Array => exportOnnx(config, params);

export const quantized = (config: GPTConfig, params: Float32Array): QuantizedParams => quantizeParams(config, params);

/** A share link's int8 weights become float32 ones; saved weights pass through. */
export function dequantizeInit(config: GPTConfig, start: ModelInit): InitialState {
  if (!('quantized' in start)) return start;
  try {
    return { params: dequantizeParams(config, start.quantized), step: start.step };
  } catch (e) {
    if (e instanceof QuantizeError) throw new InputError('model', `The link's weights do not fit its model: ${e.message.replace(/^dequantizeParams: /, '')}.`);
    throw e;
  }
}

/** Largest absolute difference, and that relative to the largest of `ours`. */
export function compareLogits(ours: Float32Array, theirs: Float32Array): { maxAbsDiff: number; maxRelDiff: number } {
  if (ours.length !== theirs.length) throw new Error(`onnxruntime-web returned ${theirs.length} logits, the engine ${ours.length}`);
  let maxAbs = 0;
  let maxRef = 0;
  for (let i = 0; i < ours.length; i++) {
    maxAbs = Math.max(maxAbs, Math.abs(ours[i] - theirs[i]));
    maxRef = Math.max(maxRef, Math.abs(ours[i]));
  }
  return { maxAbsDiff: maxAbs, maxRelDiff: maxRef > 0 ? maxAbs / maxRef : maxAbs };
}
