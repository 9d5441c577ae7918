// What each GPU object of the engine allocates, in bytes, as functions of the configuration.
// The engine allocates from these tables and constants and the memory preflight (memory.ts)
// adds them up, so the estimate covers every buffer the engine creates: change one and the
// other follows. engine/train/memory-estimate.gpu.test.ts holds them against the ledger.
import type { GPTConfig } from './config';
import { activationSpecs, BATCH_INPUTS, decodeRowSpecs, tensorBytes, type ActSpec } from './activations';
import { numElements, paramLayout } from './params';

/** The most fields a kernel's uniform has (AdamW's hyperparameters); createUniform refuses more. */
export const MAX_UNIFORM_FIELDS = 8;

/**
 * The most fields of a wide uniform (createWideUniform): attention_lanes.wgsl's batched
 * products, each operand's offsets and strides. Counted apart, per call (ATTENTION_UNIFORMS).
 */
export const MAX_WIDE_UNIFORM_FIELDS = 20;

/** Bytes of a uniform of `fields` four-byte fields, padded to 16 as uniform structs are. */
export const uniformBytes = (fields: number): number => Math.max(16, Math.ceil((fields * 4) / 16) * 16);

/** Every uniform is counted at the largest size: they are tiny, and this keeps the estimate an upper bound. */
const UNIFORM_BYTES = uniformBytes(MAX_UNIFORM_FIELDS);
const WIDE_UNIFORM_BYTES = uniformBytes(MAX_WIDE_UNIFORM_FIELDS);

/** Bytes of one f32 copy of the parameters: the flat layout, alignment padding included. */
export const paramBytes = (c: GPTConfig): number => paramLayout(c).totalElems * 4;

/** Bytes of n values packed into binary16, two per 4-byte word (half.wgsl). */
export const halfBytes = (n: number): number => Math.ceil(n / 2) * 4;

/** Bytes of a readback slot for `bytes` bytes: copies move whole 4-byte words. */
export const readbackSlotBytes = (bytes: number): number => Math.ceil(bytes / 4) * 4;

const sumTensorBytes = (specs: readonly ActSpec[]): number => specs.reduce((s, t) => s + tensorBytes(t.shape), 0);

// ---- The training plan and its trainer ----

/**
 * Last-good snapshot slots, each a copy of params, m and v. Steps are pipelined: the copy
 * before step s + 1 may be recorded before the loss that confirms the previous copy comes
 * back, so a third slot keeps that one alive meanwhile (engine/train/gpu-snapshot-slots.ts).
 */
export const SNAPSHOT_SLOTS = 3;
export const SNAPSHOT_KINDS = ['params', 'm', 'v'] as const;

/** Training steps queued on the GPU ahead of the last loss read back. */
export const STEPS_IN_FLIGHT = 2;
/** Loss readback slots: one per step in flight, and two spare so a step never waits for one. */
export const LOSS_READBACK_SLOTS = STEPS_IN_FLIGHT + 2;
/**
 * The f32 values a training step of k micro-batches reads back, in one slot: the k losses,
 * then the step's gradient norm (a step whose norm is not finite diverged, as one whose loss is not).
 */
export const stepReadbackValues = (gradAccumSteps: number): number => gradAccumSteps + 1;

/** The gradient norm's defaults (gradnorm.wgsl): invocations per workgroup and elements per invocation. */
export const GRAD_NORM_DEFAULTS = { workgroupSize: 64, perThread: 128 } as const;

/** Partial sums the gradient norm of n elements writes: one per workgroup. */
export const gradNormPartialsCount = (n: number, workgroupSize: number = GRAD_NORM_DEFAULTS.workgroupSize,
  perThread: number = GRAD_NORM_DEFAULTS.perThread): number => Math.max(1, Math.ceil(n / (workgroupSize * perThread)));

/**
 * The most bytes in flight back to the CPU at once: a confirmed snapshot (params, m and v)
 * on its way to the CPU copy of the last good state while a save reads one weight buffer.
 */
export const largestReadbackBytes = (c: GPTConfig): number => (SNAPSHOT_KINDS.length + 1) * paramBytes(c);

export interface PlanShape {
  B: number;
  T: number;
  /** With the backward (and its scratch). */
  training: boolean;
  /** With every layer's attention probabilities. */
  probs?: boolean;
  /** With interventions (forward only): their tables and three kernel calls per block. */
  interventions?: boolean;
}

/**
 * Uniform buffers of a GptPlan (engine/model/gpt.ts): one per kernel call, the linear
 * layers' backward one per product (dinp, dweight, dbias).
 */
/**
 * Uniforms of one attention call, counted at the larger of its two ways: the flash kernels
 * take one each way; as products (kernels/attention-lanes.ts) the forward takes a row pass's
 * and two wide ones (scores, values), the backward D's and the row passes' and five wide ones
 * (scores, dP, dq, dk, dv).
 */
export const ATTENTION_UNIFORMS = { forward: { narrow: 1, wide: 2 }, backward: { narrow: 2, wide: 5 } };

/** The wide uniforms of a GptPlan (attention as products). */
export function planWideUniformCount(c: GPTConfig, s: PlanShape): number {
  return c.nLayer * (ATTENTION_UNIFORMS.forward.wide + (s.training ? ATTENTION_UNIFORMS.backward.wide : 0));
}

export function planUniformCount(c: GPTConfig, s: PlanShape): number {
  const pre = c.norm === 'pre' ? 1 : 0;
  // encoder; per block two LayerNorms, four linear layers, attention (see ATTENTION_UNIFORMS;
  // and its probabilities, and the three interventions); ln_f; the LM head; the loss and its
  // mean.
  const forward = 1 + c.nLayer * (6 + ATTENTION_UNIFORMS.forward.narrow + (s.probs ? 1 : 0) + (s.interventions ? 3 : 0)) + pre + 1 + 2;
  if (!s.training) return forward;
  // the loss; the LM head (dinp, dweight); ln_f; per block four linear layers of three
  // products, two LayerNorms and attention; the encoder (wte, and wpe when learned).
  const backward = 1 + 2 + pre + c.nLayer * (4 * 3 + 2 + ATTENTION_UNIFORMS.backward.narrow) + 1 + (c.positions === 'learned' ? 1 : 0);
  return forward + backward;
}

/** A GptPlan: its activations (with scratch) and its kernels' uniforms. */
export const planBytes = (c: GPTConfig, s: PlanShape): number =>
  sumTensorBytes(activationSpecs(c, s.B, s.T, s.training, s.probs, s.interventions)) + planUniformCount(c, s) * UNIFORM_BYTES +
  planWideUniformCount(c, s) * WIDE_UNIFORM_BYTES;

/** Bytes of one micro-batch's inputs in the batch staging buffer (engine/train/staging.ts). */
export function batchStagingSlotBytes(c: GPTConfig, B: number, T: number): number {
  const inputs = new Set<string>(BATCH_INPUTS);
  return activationSpecs(c, B, T, true)
    .filter((s) => inputs.has(s.name))
    .reduce((sum, s) => sum + readbackSlotBytes(numElements(s.shape) * 4), 0);
}

export interface TrainerAllocations {
  /** params, grads, m, v. */
  weights: number;
  snapshots: number;
  plan: number;
  /** Loss slots, the gradient norm and its partials, the loss readback ring, batch staging, AdamW's and the norm's uniforms. */
  small: number;
}

/** What a Trainer (engine/train/trainer.ts) allocates for batch B, length T, k micro-batches per step. */
export function trainerAllocations(c: GPTConfig, B: number, T: number, gradAccumSteps = 1): TrainerAllocations {
  const P = paramBytes(c);
  const k = gradAccumSteps;
  const small =
    tensorBytes([stepReadbackValues(k)]) + // loss slots and the norm, as read back
    tensorBytes([2]) + // grad norm and clip scale
    tensorBytes([gradNormPartialsCount(P / 4)]) +
    LOSS_READBACK_SLOTS * readbackSlotBytes(4 * stepReadbackValues(k)) +
    (k > 1 ? k * batchStagingSlotBytes(c, B, T) : 0) +
    3 * UNIFORM_BYTES; // AdamW's dims and hyperparameters, the norm's parameters
  return { weights: 4 * P, snapshots: SNAPSHOT_SLOTS * SNAPSHOT_KINDS.length * P, plan: planBytes(c, { B, T, training: true }), small };
}

// ---- Sampling ----

/** Logits readback slots of the decoder: one token's readback overlaps the next one's submit. */
export const DECODER_READBACK_SLOTS = 2;

/** Uniforms of the decoder's one-position steps: the embedding, seven per block, ln_f, the LM head. */
export const decoderStepUniformCount = (c: GPTConfig): number => 1 + 7 * c.nLayer + (c.norm === 'pre' ? 1 : 0) + 1;

/** A Decoder (engine/sample/decoder.ts): the full-length plan whose qkv is the KV cache, the rows, the readback. */
export const decoderBytes = (c: GPTConfig): number =>
  planBytes(c, { B: 1, T: c.blockSize, training: false }) +
  sumTensorBytes(decodeRowSpecs(c)) +
  DECODER_READBACK_SLOTS * readbackSlotBytes(c.vocabSize * 4) +
  decoderStepUniformCount(c) * UNIFORM_BYTES;

/** Full-sequence plans an Inference keeps (the most recent lengths, as a prompt is typed). */
export const INFERENCE_KEPT_PLANS = 3;

/** One plan an Inference keeps for length T, with its logits readback slot. */
export const inferencePlanBytes = (c: GPTConfig, T: number, probs: boolean): number =>
  planBytes(c, { B: 1, T, training: false, probs }) + readbackSlotBytes(T * c.vocabSize * 4);

/** An Inference (engine/sample/inference.ts) at most: every kept plan at full length. */
export const inferenceBytes = (c: GPTConfig, probs: boolean): number => INFERENCE_KEPT_PLANS * inferencePlanBytes(c, c.blockSize, probs);

/** HalfWeights (engine/model/half-weights.ts): the packed copy and its packing dispatch's uniform. */
export const halfWeightsBytes = (c: GPTConfig): number => halfBytes(paramLayout(c).totalElems) + UNIFORM_BYTES;

/**
 * What sampling holds at most on a GPU session (worker/backends.ts): the f32 inference,
 * whose plans carry attention probabilities for the heatmaps, and the f32 decoder; the f16
 * copy with its own decoder, or for a model without the causal mask its own inference (which
 * then also stands in for the decoders: no KV cache without the mask).
 */
export function samplingBytes(c: GPTConfig): number {
  const f32 = inferenceBytes(c, true) + (c.causal ? decoderBytes(c) : 0);
  const f16 = halfWeightsBytes(c) + (c.causal ? decoderBytes(c) : inferenceBytes(c, false));
  return f32 + f16;
}

// ---- Inspection ----

/** Plans a GpuInspector (engine/inspect/gpu-inspector.ts) keeps: the most recent batch shapes. */
export const INSPECTOR_KEPT_PLANS = 2;

/** Logits the Inspect views read back per run at most (floats): 16 MB. */
const INSPECT_LOGITS_BUDGET = 1 << 22;

/** Sequences per inspector run of T positions: at most 8, and within the logits budget. */
export function inspectorBatch(T: number, V: number, maxB = 8): number {
  return Math.max(1, Math.min(maxB, Math.floor(INSPECT_LOGITS_BUDGET / (T * V))));
}

/** One plan of a GpuInspector for batch B, length T (with the attention probabilities or not). */
export const inspectorPlanBytes = (c: GPTConfig, B: number, T: number, probs: boolean): number =>
  planBytes(c, { B, T, training: false, probs, interventions: true });

/**
 * The most a GpuInspector holds: its two kept plans at the largest distinct shapes the views
 * run — a full batch of windows of the block size, and next to it a full batch one position
 * shorter, one sequence fewer, or one sequence with the attention probabilities.
 */
export function inspectorBytes(c: GPTConfig): number {
  const T = c.blockSize;
  const B = inspectorBatch(T, c.vocabSize);
  const others = [inspectorPlanBytes(c, 1, T, true)];
  if (T > 1) others.push(inspectorPlanBytes(c, B, T - 1, false));
  if (B > 1) others.push(inspectorPlanBytes(c, B - 1, T, false));
  return inspectorPlanBytes(c, B, T, false) + (INSPECTOR_KEPT_PLANS - 1) * Math.max(...others);
}
