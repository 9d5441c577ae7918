// ONNX export of the model: the same forward as engine/ref/model.ts written as a graph of
// standard opset-17 operators, with the weights as initializers under nanoGPT's state_dict
// names, so that onnxruntime, netron or PyTorch tooling can run and inspect what was trained.
//
// Graph, for input_ids (1, T) int64 → logits (1, T, V) float32, T symbolic (≤ blockSize):
//   x = Gather(wte, ids) + Slice(positions, 0..T)        positions = wpe or a sinusoid table
//   pre-LN:  x = x + attn(LN1(x));  x = x + mlp(LN2(x));  … ; final = LNf(x)
//   post-LN: x = LN1(x + attn(x));  x = LN2(x + mlp(x));  … ; final = x
//   logits = final · wteᵀ                                (the tied LM head)
// LayerNorm is the LayerNormalization operator (standard since opset 17, eps 1e-5, biased
// variance, as the reference). GELU is GPT-2's tanh form spelt out in Mul/Add/Tanh. The causal
// mask is a constant boolean (blockSize, blockSize) lower triangle sliced to (T, T), and masked
// scores become a real −∞ through Where; every row keeps its diagonal, so softmax is NaN-free.
import { validateConfig, type GPTConfig } from '../../core/config';
import { paramLayout } from '../../core/params';
import { sinusoidalPosition } from '../ref/encoder';
import { attrFloat, attrInt, attrInts, encodeModel, GraphBuilder, type OnnxValueInfo } from './onnx-graph';

export const ONNX_OPSET = 17;
export const ONNX_IR_VERSION = 8;
export const ONNX_PRODUCER = 'gpt-playground';
/** Version of this exporter's graph layout, written as producer_version. */
export const ONNX_EXPORT_VERSION = '1';
export const ONNX_INPUT = 'input_ids';
export const ONNX_OUTPUT = 'logits';
/** Metadata key holding the model's configuration as JSON. */
export const ONNX_CONFIG_KEY = 'gpt_playground.config';

const LAYERNORM_EPS = 1e-5;
const GELU_SCALE = Math.sqrt(2 / Math.PI);
const GELU_CUBIC = 0.044715;

/** The configuration or the weights cannot be exported; the message names the problem. */
export class OnnxExportError extends Error {
  override name = 'OnnxExportError';
}

function checkConfig(config: GPTConfig): void {
  const errs = validateConfig(config);
  if (errs.length) throw new OnnxExportError(`Cannot export to ONNX: ${errs.join(' ')}`);
  const oneOf = (key: keyof GPTConfig, values: readonly unknown[]) => {
    if (!values.includes(config[key])) {
      throw new OnnxExportError(`Cannot export to ONNX: ${key} must be one of ${values.join(', ')} (got ${String(config[key])}).`);
    }
  };
  oneOf('norm', ['pre', 'post']);
  oneOf('activation', ['gelu', 'relu']);
  oneOf('positions', ['learned', 'sinusoidal']);
  oneOf('causal', [true, false]);
}

/**
 * The model as ONNX ModelProto bytes (opset 17, IR version 8). `params` is the flat parameter
 * buffer of paramLayout(config). Throws OnnxExportError for an invalid configuration, a
 * buffer of the wrong size or non-finite weights.
 */
export function exportOnnx(config: GPTConfig, params: Float32Array): Uint8Array {
  checkConfig(config);
  const layout = paramLayout(config);
  if (!(params instanceof Float32Array)) throw new OnnxExportError('Cannot export to ONNX: the parameters must be a Float32Array.');
  if (params.length !== layout.totalElems) {
    throw new OnnxExportError(`Cannot export to ONNX: ${params.length} parameters given, the model's layout has ${layout.totalElems}.`);
  }
  const { nLayer: L, nHead: NH, nEmbd: C, blockSize: BS, vocabSize: V } = config;
  const hs = C / NH;

  const input: OnnxValueInfo = { name: ONNX_INPUT, dtype: 'int64', dims: [1, 'T'] };
  const output: OnnxValueInfo = { name: ONNX_OUTPUT, dtype: 'float32', dims: [1, 'T', V] };
  const g = new GraphBuilder([input]);

  // Weights, in layout order, under their state_dict names.
  for (const e of layout.entries) {
    const data = params.subarray(e.offset, e.offset + e.size);
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i])) {
        throw new OnnxExportError(`Cannot export to ONNX: ${e.name} holds ${data[i]} at element ${i}; the weights have diverged.`);
      }
    }
    g.initializer(e.name, 'float32', e.shape, data);
  }

  // Constants the graph shares.
  const ints = (name: string, v: number[]) => g.initializer(name, 'int64', [v.length], v);
  const scalar = (name: string, v: number) => g.initializer(name, 'float32', [], [v]);
  const c = {
    zero: ints('const.zero', [0]),
    one: ints('const.one', [1]),
    two: ints('const.two', [2]),
    splitQkv: ints('const.qkv_split', [C, C, C]),
    toHeads: ints('const.to_heads', [0, 0, NH, hs]), // (1, T, C) → (1, T, NH, hs); 0 copies a dim
    fromHeads: ints('const.from_heads', [0, 0, C]),
    scale: scalar('const.attn_scale', 1 / Math.sqrt(hs)),
    half: scalar('const.half', 0.5),
    unit: scalar('const.unit', 1),
    geluScale: scalar('const.gelu_scale', GELU_SCALE),
    geluCubic: scalar('const.gelu_cubic', GELU_CUBIC),
  };

  // T, as a 1-element int64 tensor, from the input's shape.
  const shape = g.node('Shape', [ONNX_INPUT], {}, 'ids_shape'); // [1, T]
  const T1 = g.node('Slice', [shape, c.one, c.two, c.zero], {}, 'seq_len'); // [T]

  // Encoder: token embedding plus the first T rows of the position table.
  let positions = 'transformer.wpe.weight';
  if (config.positions === 'sinusoidal') {
    // Computed in float64 by the reference's own formula, then rounded once to float32.
    const table = new Float32Array(BS * C);
    for (let t = 0; t < BS; t++) for (let k = 0; k < C; k++) table[t * C + k] = sinusoidalPosition(t, k, C);
    positions = g.initializer('const.sinusoidal_positions', 'float32', [BS, C], table);
  }
  const tok = g.node('Gather', ['transformer.wte.weight', ONNX_INPUT], { axis: attrInt(0) }, 'tok_emb'); // (1, T, C)
  const pos = g.node('Slice', [positions, c.zero, T1, c.zero], {}, 'pos_emb'); // (T, C)
  let x = g.node('Add', [tok, pos], {}, 'encoded'); // (1, T, C)

  // The causal mask: true where key j ≤ query i, cut to (T, T).
  let mask: string | null = null;
  let negInf = '';
  if (config.causal) {
    const tri = new Uint8Array(BS * BS);
    for (let i = 0; i < BS; i++) for (let j = 0; j <= i; j++) tri[i * BS + j] = 1;
    const table = g.initializer('const.causal_mask', 'bool', [BS, BS], tri);
    const TT = g.node('Concat', [T1, T1], { axis: attrInt(0) }, 'mask_end'); // [T, T]
    const axes = ints('const.axes01', [0, 1]);
    const starts = ints('const.zero2', [0, 0]);
    mask = g.node('Slice', [table, starts, TT, axes], {}, 'mask'); // (T, T)
    negInf = scalar('const.neg_inf', -Infinity);
  }

  // y = x · Wᵀ + b with W (out, in) as nn.Linear stores it; the Transpose of a constant is
  // folded by the runtime when it loads the model.
  const linear = (inp: string, prefix: string, hint: string) => {
    const wT = g.node('Transpose', [`${prefix}.weight`], { perm: attrInts([1, 0]) }, `${hint}_wT`);
    return g.node('Add', [g.node('MatMul', [inp, wT], {}, hint), `${prefix}.bias`], {}, hint);
  };
  const layerNorm = (inp: string, prefix: string, hint: string) =>
    g.node('LayerNormalization', [inp, `${prefix}.weight`, `${prefix}.bias`], { axis: attrInt(-1), epsilon: attrFloat(LAYERNORM_EPS) }, hint);

  const attention = (inp: string, p: string, hint: string) => {
    const qkv = linear(inp, `${p}.attn.c_attn`, `${hint}_qkv`); // (1, T, 3C)
    const [q, k, v] = g.nodeN('Split', [qkv, c.splitQkv], 3, { axis: attrInt(2) }, `${hint}_split`); // (1, T, C) each
    const heads = (t: string, perm: number[], name: string) =>
      g.node('Transpose', [g.node('Reshape', [t, c.toHeads], {}, name)], { perm: attrInts(perm) }, name);
    const qh = heads(q, [0, 2, 1, 3], `${hint}_q`); // (1, NH, T, hs)
    const kT = heads(k, [0, 2, 3, 1], `${hint}_kT`); // (1, NH, hs, T)
    const vh = heads(v, [0, 2, 1, 3], `${hint}_v`); // (1, NH, T, hs)
    let scores = g.node('Mul', [g.node('MatMul', [qh, kT], {}, `${hint}_qk`), c.scale], {}, `${hint}_scores`); // (1, NH, T, T)
    if (mask) scores = g.node('Where', [mask, scores, negInf], {}, `${hint}_masked`);
    const probs = g.node('Softmax', [scores], { axis: attrInt(-1) }, `${hint}_probs`);
    const y = g.node('MatMul', [probs, vh], {}, `${hint}_y`); // (1, NH, T, hs)
    const merged = g.node('Reshape', [g.node('Transpose', [y], { perm: attrInts([0, 2, 1, 3]) }, `${hint}_yT`), c.fromHeads], {}, `${hint}_merged`); // (1, T, C)
    return linear(merged, `${p}.attn.c_proj`, `${hint}_proj`);
  };

  const gelu = (h: string, hint: string) => {
    // 0.5·h·(1 + tanh(√(2/π)·(h + 0.044715·h³))), exactly GPT-2's form.
    const cube = g.node('Mul', [g.node('Mul', [h, h], {}, `${hint}_sq`), h], {}, `${hint}_cube`);
    const inner = g.node('Add', [h, g.node('Mul', [cube, c.geluCubic], {}, hint)], {}, hint);
    const th = g.node('Tanh', [g.node('Mul', [inner, c.geluScale], {}, hint)], {}, `${hint}_tanh`);
    return g.node('Mul', [g.node('Mul', [h, c.half], {}, hint), g.node('Add', [th, c.unit], {}, hint)], {}, hint);
  };
  const mlp = (inp: string, p: string, hint: string) => {
    const h = linear(inp, `${p}.mlp.c_fc`, `${hint}_fc`); // (1, T, 4C)
    const a = config.activation === 'gelu' ? gelu(h, `${hint}_gelu`) : g.node('Relu', [h], {}, `${hint}_relu`);
    return linear(a, `${p}.mlp.c_proj`, `${hint}_proj`); // (1, T, C)
  };

  for (let l = 0; l < L; l++) {
    const p = `transformer.h.${l}`;
    const hint = `h${l}`;
    if (config.norm === 'pre') {
      x = g.node('Add', [x, attention(layerNorm(x, `${p}.ln_1`, `${hint}_ln1`), p, `${hint}_attn`)], {}, `${hint}_res1`);
      x = g.node('Add', [x, mlp(layerNorm(x, `${p}.ln_2`, `${hint}_ln2`), p, `${hint}_mlp`)], {}, `${hint}_res2`);
    } else {
      x = layerNorm(g.node('Add', [x, attention(x, p, `${hint}_attn`)], {}, `${hint}_res1`), `${p}.ln_1`, `${hint}_ln1`);
      x = layerNorm(g.node('Add', [x, mlp(x, p, `${hint}_mlp`)], {}, `${hint}_res2`), `${p}.ln_2`, `${hint}_ln2`);
    }
  }
  const final = config.norm === 'pre' ? layerNorm(x, 'transformer.ln_f', 'ln_f') : x;
  const wteT = g.node('Transpose', ['transformer.wte.weight'], { perm: attrInts([1, 0]) }, 'lm_head_wT'); // (C, V)
  g.nodeTo([ONNX_OUTPUT], 'MatMul', [final, wteT]); // (1, T, V)

  // Only the known fields: a config object may carry other properties.
  const { norm, activation, positions: posKind, causal } = config;
  const configJson = JSON.stringify({ nLayer: L, nHead: NH, nEmbd: C, blockSize: BS, vocabSize: V, norm, activation, positions: posKind, causal });
  return encodeModel({
    irVersion: ONNX_IR_VERSION,
    opset: ONNX_OPSET,
    producerName: ONNX_PRODUCER,
    producerVersion: ONNX_EXPORT_VERSION,
    docString:
      `GPT (${L} layers, ${NH} heads, width ${C}, context ${BS}, vocabulary ${V}; ${config.norm}-LN, ${config.activation}, ` +
      `${config.positions} positions, ${config.causal ? 'causal' : 'no causal mask'}) from GPT Playground. ` +
      `Input ${ONNX_INPUT}: int64 (1, T) token ids, 1 ≤ T ≤ ${BS}. Output ${ONNX_OUTPUT}: float32 (1, T, ${V}). ` +
      'The LM head is tied to transformer.wte.weight (nanoGPT’s lm_head.weight).',
    graphName: 'gpt',
    nodes: g.nodes,
    initializers: g.initializers,
    inputs: [input],
    outputs: [output],
    metadata: { [ONNX_CONFIG_KEY]: configJson },
  });
}
