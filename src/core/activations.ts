// The activation table for one (B, T): every tensor the forward writes and the backward
// reads, plus the backward's scratch. Allocation and the memory estimate both use it.
import type { GPTConfig } from './config';
import { SITES } from './inspect';
import { numElements } from './params';

/** Element types of GPU tensors. */
export type DType = 'f32' | 'u32' | 'i32';

export interface ActSpec {
  name: string;
  shape: number[];
  dtype?: DType;
}

export const LAYER_ACTS = [
  'ln1', 'ln1Mean', 'ln1Rstd', 'qkv', 'atty', 'lse', 'residual2',
  'ln2', 'ln2Mean', 'ln2Rstd', 'fch', 'fchAct', 'residual3',
] as const;
export type LayerAct = (typeof LAYER_ACTS)[number];

export function layerActShape(name: LayerAct, c: GPTConfig, B: number, T: number): number[] {
  const C = c.nEmbd;
  switch (name) {
    case 'qkv':
      return [B, T, 3 * C];
    case 'fch':
    case 'fchAct':
      return [B, T, 4 * C];
    case 'lse':
      return [B, c.nHead, T];
    case 'ln1Mean':
    case 'ln1Rstd':
    case 'ln2Mean':
    case 'ln2Rstd':
      return [B, T];
    default:
      return [B, T, C];
  }
}

/** Rows per block of LayerNorm's parameter-gradient reduction (layernorm.wgsl's RB). */
export const LAYERNORM_ROWS_PER_BLOCK = 32;

/** LayerNorm backward's partial sums of dweight and dbias: one row of C per block of rows. */
export const layernormPartialsShape = (rows: number, C: number): number[] => [2, Math.ceil(rows / LAYERNORM_ROWS_PER_BLOCK), C];

/**
 * Bytes of the buffer a tensor of `shape` gets from an arena: 4-byte elements, padded to 16
 * bytes (and never empty), as BufferArena allocates.
 */
export const tensorBytes = (shape: readonly number[]): number => Math.max(16, Math.ceil((numElements(shape) * 4) / 16) * 16);

/** The inputs a training batch writes: token ids, targets and the encoder's token buckets. */
export const BATCH_INPUTS = ['tokens', 'targets', 'bucketOffsets', 'bucketPositions'] as const;

/** The largest (B, NH, T, T) scratch a plan holds for attention as products (two when training). */
export const ATTENTION_SCRATCH_MAX_BYTES = 4 * 1024 * 1024;

/**
 * Whether a plan at batch B, length T carries the scores scratch with which devices that run
 * matmul_lanes compute attention as batched products (engine/kernels/attention-lanes.ts):
 * small batches and contexts only, where the T×T scores cost little memory. Other devices
 * leave it unused.
 */
export const attentionProductsFit = (c: GPTConfig, B: number, T: number): boolean =>
  B * c.nHead * T * T * 4 <= ATTENTION_SCRATCH_MAX_BYTES;

/**
 * Everything the forward (and, when training, the backward) needs at batch B, length T; with
 * `probs`, every layer's attention probabilities (B, NH, T, T) for the heatmaps too; with
 * `interventions`, the modes, values and sources of core/inspect's Interventions.
 */
export function activationSpecs(c: GPTConfig, B: number, T: number, training: boolean, probs = false, interventions = false): ActSpec[] {
  const C = c.nEmbd;
  const V = c.vocabSize;
  const specs: ActSpec[] = [
    { name: 'tokens', shape: [B, T], dtype: 'u32' },
    { name: 'targets', shape: [B, T], dtype: 'u32' },
    { name: 'encoded', shape: [B, T, C] },
  ];
  for (let l = 0; l < c.nLayer; l++) {
    for (const a of LAYER_ACTS) specs.push({ name: `h${l}.${a}`, shape: layerActShape(a, c, B, T) });
  }
  if (c.norm === 'pre') specs.push({ name: 'lnf', shape: [B, T, C] }, { name: 'lnfMean', shape: [B, T] }, { name: 'lnfRstd', shape: [B, T] });
  specs.push({ name: 'logits', shape: [B, T, V] }, { name: 'losses', shape: [B, T] }, { name: 'meanLoss', shape: [1] });
  // One scores scratch shared by every layer's attention (they run one after another); the
  // backward's dP in a second.
  if (attentionProductsFit(c, B, T)) {
    specs.push({ name: 'attP', shape: [B, c.nHead, T, T] });
    if (training) specs.push({ name: 'attDP', shape: [B, c.nHead, T, T] });
  }
  if (training) {
    specs.push(
      { name: 'bucketOffsets', shape: [V + 1], dtype: 'u32' },
      { name: 'bucketPositions', shape: [B * T], dtype: 'u32' },
      { name: 'dlogits', shape: [B, T, V] },
      { name: 'dfinal', shape: [B, T, C] },
      { name: 'dres', shape: [B, T, C] },
      { name: 'dln', shape: [B, T, C] },
      { name: 'datty', shape: [B, T, C] },
      { name: 'dqkv', shape: [B, T, 3 * C] },
      { name: 'dfch', shape: [B, T, 4 * C] },
      { name: 'attD', shape: [B, c.nHead, T] },
      // One scratch for every LayerNorm backward: they run one after another.
      { name: 'lnPartials', shape: layernormPartialsShape(B * T, C) },
    );
  }
  if (probs) for (let l = 0; l < c.nLayer; l++) specs.push({ name: `h${l}.probs`, shape: [B, c.nHead, T, T] });
  if (interventions) {
    specs.push(
      { name: 'ivModes', shape: [c.nLayer * SITES * c.nHead], dtype: 'u32' },
      { name: 'ivValues', shape: [c.nLayer * SITES * C] },
      { name: 'ivSources', shape: [c.nLayer, SITES, T, C] },
    );
  }
  return specs;
}

/**
 * The decoder's one-position rows (engine/sample/decoder.ts): one of each block activation,
 * shared by every layer since they run one after another, plus the head's and the position.
 */
export function decodeRowSpecs(c: GPTConfig): ActSpec[] {
  const specs: ActSpec[] = LAYER_ACTS.map((name) => ({ name, shape: name === 'lse' ? [c.nHead] : layerActShape(name, c, 1, 1).slice(1) }));
  specs.push(
    { name: 'encoded', shape: [1, c.nEmbd] },
    { name: 'lnf', shape: [1, c.nEmbd] },
    { name: 'lnfMean', shape: [1] },
    { name: 'lnfRstd', shape: [1] },
    { name: 'logits', shape: [1, c.vocabSize] },
    { name: 'position', shape: [1], dtype: 'u32' },
  );
  return specs;
}
