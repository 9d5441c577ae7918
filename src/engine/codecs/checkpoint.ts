// Checkpoint files: the model's weights as a safetensors file with nanoGPT's state_dict names,
// so the same file loads into nanoGPT's GPT with load_state_dict (docs/checkpoints.md) and a
// model trained there comes back. Our metadata rides in the file's __metadata__:
//   format "gpt-playground/checkpoint", version "1", config (GPTConfig JSON),
//   tokenizer (TokenizerJSON), demo (the app's demo state as JSON, optional; the app checks
//   it: to this codec it is opaque JSON), step (decimal).
// A file from PyTorch may lack all of it; then the config is read from a nanoGPT-style
// "config" (at least n_head) plus the tensor shapes, and the tokenizer must be supplied apart.
import { validateConfig, type GPTConfig } from '../../core/config';
import { paramLayout } from '../../core/params';
import { tokenizerFromJSON, type TokenizerJSON } from '../tokenize';
import { InvalidCheckpointError, readSafetensors, writeSafetensors, type ReadTensor, type TensorToWrite } from './safetensors';

export { InvalidCheckpointError } from './safetensors';

export const CHECKPOINT_FORMAT = 'gpt-playground/checkpoint';
export const CHECKPOINT_VERSION = 1;

export interface CheckpointMeta {
  tokenizer: TokenizerJSON;
  /** Any JSON value; the app's demo state (see persist/demo.ts). */
  demo?: unknown;
  /** Optimizer steps taken so far. */
  step: number;
}

export interface ImportedCheckpoint {
  config: GPTConfig;
  /** The flat parameter buffer of paramLayout(config) (256-byte alignment), padding zero. */
  params: Float32Array;
  /**
   * The tokenizer, validated by tokenizerFromJSON and re-serialised. null for a checkpoint
   * written outside the playground without "tokenizer" metadata: the caller must then ask
   * the user for one whose vocabulary size equals config.vocabSize.
   */
  tokenizer: TokenizerJSON | null;
  /** The "demo" metadata as parsed JSON, unchecked (the app validates it), or null. */
  demo: unknown;
  step: number;
}

/** nanoGPT's tied LM head: in its state_dict as a second name for transformer.wte.weight. */
const LM_HEAD = 'lm_head.weight';
const WTE = 'transformer.wte.weight';
/** torch.compile wraps the module, so nanoGPT's own ckpt.pt state_dict has this prefix. */
const COMPILE_PREFIX = '_orig_mod.';
/** nanoGPT's causal-mask buffer (present without flash attention); not a parameter. */
const MASK_BUFFER = /^transformer\.h\.\d+\.attn\.bias$/;
const BLOCK_NAME = /^transformer\.h\.(\d+)\./;

const fail = (message: string): never => {
  throw new InvalidCheckpointError(message);
};
const shapeText = (shape: readonly number[]): string => `[${shape.join(',')}]`;

/** The config with exactly the GPTConfig fields, in a fixed order (no stray properties). */
function configJSON(c: GPTConfig): string {
  const { nLayer, nHead, nEmbd, blockSize, vocabSize, norm, activation, positions, causal } = c;
  return JSON.stringify({ nLayer, nHead, nEmbd, blockSize, vocabSize, norm, activation, positions, causal });
}

/** Writes the model as a safetensors checkpoint. */
export function exportCheckpoint(config: GPTConfig, params: Float32Array, meta: CheckpointMeta): Uint8Array {
  const problems = validateConfig(config);
  if (problems.length) throw new Error(`exportCheckpoint: invalid config: ${problems[0]}`);
  const layout = paramLayout(config);
  if (params.length !== layout.totalElems) {
    throw new Error(`exportCheckpoint: ${params.length} parameters given, the layout of this config has ${layout.totalElems}`);
  }
  if (!Number.isSafeInteger(meta.step) || meta.step < 0) throw new Error(`exportCheckpoint: step must be a whole number ≥ 0 (got ${meta.step})`);
  // Refuse to write a file that importCheckpoint would reject: the user would lose the work.
  const tokenizer = tokenizerFromJSON(meta.tokenizer);
  if (tokenizer.vocabSize !== config.vocabSize) {
    throw new Error(`exportCheckpoint: the tokenizer has ${tokenizer.vocabSize} tokens, the model's vocabulary is ${config.vocabSize}`);
  }

  const tensors: TensorToWrite[] = layout.entries.map((e) => ({
    name: e.name,
    shape: e.shape,
    data: params.subarray(e.offset, e.offset + e.size),
  }));
  const wte = tensors.find((t) => t.name === WTE)!;
  // A copy under nanoGPT's second name, so load_state_dict(strict=True) finds every key.
  tensors.push({ name: LM_HEAD, shape: wte.shape, data: wte.data });
  const metadata: Record<string, string> = {
    format: CHECKPOINT_FORMAT,
    version: String(CHECKPOINT_VERSION),
    config: configJSON(config),
    tokenizer: JSON.stringify(tokenizer.toJSON()),
    step: String(meta.step),
  };
  if (meta.demo !== undefined) metadata.demo = JSON.stringify(meta.demo);
  return writeSafetensors(tensors, metadata);
}

/**
 * Reads a checkpoint written by exportCheckpoint or by PyTorch/nanoGPT. Throws
 * InvalidCheckpointError naming the problem for a corrupt file or one that does not fit.
 */
export function importCheckpoint(bytes: Uint8Array): ImportedCheckpoint {
  const { tensors: raw, metadata } = readSafetensors(bytes);
  const tensors = stripCompilePrefix(raw);
  const ours = metadata.format === CHECKPOINT_FORMAT;
  if (ours && metadata.version !== undefined && metadata.version !== String(CHECKPOINT_VERSION)) {
    fail(`checkpoint version ${metadata.version} is not supported (this app reads version ${CHECKPOINT_VERSION}; written by a newer app?)`);
  }
  if (ours && metadata.config === undefined) fail('the "config" metadata is missing (the file is damaged)');
  if (ours && metadata.tokenizer === undefined) fail('the "tokenizer" metadata is missing (the file is damaged)');
  rejectBiasFree(tensors, metadata.config);

  const config = metadata.config === undefined ? configWithoutMetadata(tensors) : parseConfig(metadata.config, tensors);
  const problems = validateConfig(config);
  if (problems.length) fail(`invalid config: ${problems[0]}`);
  const params = gatherParams(config, tensors);

  let tokenizer: TokenizerJSON | null = null;
  if (metadata.tokenizer !== undefined) {
    const tok = wrap('tokenizer', () => tokenizerFromJSON(parseJSON('tokenizer', metadata.tokenizer!)));
    if (tok.vocabSize !== config.vocabSize) {
      fail(`the tokenizer has ${tok.vocabSize} tokens but the model's vocabulary is ${config.vocabSize}`);
    }
    tokenizer = tok.toJSON();
  }
  const demo = metadata.demo === undefined ? null : parseJSON('demo', metadata.demo);
  let step = 0;
  if (metadata.step !== undefined) {
    if (!/^\d{1,15}$/.test(metadata.step)) fail(`"step" metadata must be a whole number, got ${JSON.stringify(metadata.step)}`);
    step = Number(metadata.step);
  }
  return { config, params, tokenizer, demo, step };
}

function stripCompilePrefix(tensors: Map<string, ReadTensor>): Map<string, ReadTensor> {
  const out = new Map<string, ReadTensor>();
  for (const [name, t] of tensors) {
    const bare = name.startsWith(COMPILE_PREFIX) ? name.slice(COMPILE_PREFIX.length) : name;
    if (out.has(bare)) fail(`tensor ${bare} appears twice (with and without the "${COMPILE_PREFIX}" prefix)`);
    out.set(bare, t);
  }
  return out;
}

function parseJSON(key: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    return fail(`"${key}" metadata is not valid JSON: ${(e as Error).message}`);
  }
}

/** Runs a validator of another module, re-throwing its error as ours with the field named. */
function wrap<T>(key: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof InvalidCheckpointError) throw e;
    throw new InvalidCheckpointError(`"${key}" metadata: ${(e as Error).message}`, { cause: e });
  }
}


/** nanoGPT with bias=False has LayerNorms and Linears without biases; our blocks have them. */
function rejectBiasFree(tensors: Map<string, ReadTensor>, configText: string | undefined): void {
  let saysNoBias = false;
  if (configText !== undefined) {
    const c = parseJSON('config', configText);
    saysNoBias = typeof c === 'object' && c !== null && (c as Record<string, unknown>).bias === false;
  }
  const hasBlocks = tensors.has('transformer.h.0.attn.c_attn.weight');
  const biasFree = hasBlocks && !tensors.has('transformer.h.0.attn.c_attn.bias') && !tensors.has('transformer.h.0.ln_1.bias');
  if (saysNoBias || biasFree) {
    fail(
      'this is a nanoGPT model trained with bias=False (no bias tensors), which the playground does not support: ' +
        'its blocks have biases. Train with bias=True to move a model between nanoGPT and the playground.',
    );
  }
}

interface Shapes {
  nLayer: number;
  nEmbd: number;
  vocabSize: number;
  /** From wpe; null when there is no wpe (sinusoidal positions). */
  blockSize: number | null;
}

/** What the tensor shapes alone say about the model. */
function inferShapes(tensors: Map<string, ReadTensor>): Shapes {
  const wte = tensors.get(WTE);
  if (!wte) return fail(`missing tensor ${WTE}`);
  if (wte.shape.length !== 2) fail(`${WTE} has shape ${shapeText(wte.shape)}, expected [vocabulary, width]`);
  let nLayer = 0;
  for (const name of tensors.keys()) {
    const m = BLOCK_NAME.exec(name);
    if (m) nLayer = Math.max(nLayer, Number(m[1]) + 1);
  }
  const wpe = tensors.get('transformer.wpe.weight');
  return { nLayer, nEmbd: wte.shape[1], vocabSize: wte.shape[0], blockSize: wpe && wpe.shape.length === 2 ? wpe.shape[0] : null };
}

function configWithoutMetadata(tensors: Map<string, ReadTensor>): GPTConfig {
  const s = inferShapes(tensors);
  const block = s.blockSize === null ? 'no position embedding' : `block size ${s.blockSize}`;
  return fail(
    `the checkpoint has no "config" metadata, and the number of heads cannot be read from the tensor shapes ` +
      `(they show ${s.nLayer} layers, width ${s.nEmbd}, vocabulary ${s.vocabSize}, ${block}). ` +
      `Save it with metadata={"config": json.dumps({"n_head": N, ...})}, e.g. nanoGPT's model_args (see docs/checkpoints.md).`,
  );
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The "config" metadata: our GPTConfig, or nanoGPT's model_args (snake_case, n_head at least). */
function parseConfig(text: string, tensors: Map<string, ReadTensor>): GPTConfig {
  const c = parseJSON('config', text);
  if (!isObj(c)) return fail('"config" metadata must be a JSON object');
  if ('nLayer' in c || 'nHead' in c) return parseOurConfig(c);
  if (!('n_head' in c)) {
    return fail(`"config" metadata has neither our fields (nLayer, nHead, ...) nor nanoGPT's n_head; see docs/checkpoints.md`);
  }
  // nanoGPT's GPT is always pre-LN, GELU, learned positions, causal; sizes not given come
  // from the shapes, and sizes given must agree with them (checked in gatherParams).
  const s = inferShapes(tensors);
  const int = (key: string, fallback: number | null): number => {
    const v = c[key] ?? fallback;
    if (v === null) fail(`"config" metadata needs ${key}: it cannot be read from the tensors`);
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) fail(`"config" metadata: ${key} must be a whole number, got ${JSON.stringify(v)}`);
    return v as number;
  };
  return {
    nLayer: int('n_layer', s.nLayer),
    nHead: int('n_head', null),
    nEmbd: int('n_embd', s.nEmbd),
    blockSize: int('block_size', s.blockSize),
    vocabSize: int('vocab_size', s.vocabSize),
    norm: 'pre',
    activation: 'gelu',
    positions: 'learned',
    causal: true,
  };
}

function parseOurConfig(c: Record<string, unknown>): GPTConfig {
  const num = (key: string): number => {
    const v = c[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) fail(`"config" metadata: ${key} must be a number, got ${JSON.stringify(v) ?? 'nothing'}`);
    return v as number;
  };
  const oneOf = <T extends string>(key: string, values: readonly T[]): T => {
    if (!values.includes(c[key] as T)) fail(`"config" metadata: ${key} must be one of ${values.join(', ')}, got ${JSON.stringify(c[key]) ?? 'nothing'}`);
    return c[key] as T;
  };
  if (typeof c.causal !== 'boolean') fail(`"config" metadata: causal must be true or false, got ${JSON.stringify(c.causal) ?? 'nothing'}`);
  return {
    nLayer: num('nLayer'),
    nHead: num('nHead'),
    nEmbd: num('nEmbd'),
    blockSize: num('blockSize'),
    vocabSize: num('vocabSize'),
    norm: oneOf('norm', ['pre', 'post'] as const),
    activation: oneOf('activation', ['gelu', 'relu'] as const),
    positions: oneOf('positions', ['learned', 'sinusoidal'] as const),
    causal: c.causal as boolean,
  };
}

/** Checks names and shapes against paramSpecs(config) and copies the tensors into the layout. */
function gatherParams(config: GPTConfig, tensors: Map<string, ReadTensor>): Float32Array {
  // An edited config could ask for 10^9 layers: refuse before building a table that large.
  const present = inferShapes(tensors).nLayer;
  if (config.nLayer > present) {
    const layers = config.nLayer - present > 1 ? `layers ${present} to ${config.nLayer - 1}` : `layer ${present}`;
    fail(`missing tensors of ${layers}: the config has ${config.nLayer} layers, the file ${present}`);
  }
  const layout = paramLayout(config);
  const missing = layout.entries.filter((e) => !tensors.has(e.name)).map((e) => e.name);
  if (missing.length) fail(`missing tensor ${listNames(missing)}`);
  const unexpected = [...tensors.keys()].filter((n) => !layout.byName.has(n) && n !== LM_HEAD && !(MASK_BUFFER.test(n) && isLayer(n, config)));
  if (unexpected.length) fail(`unexpected tensor ${listNames(unexpected)} (not a parameter of this model)`);

  for (const e of layout.entries) {
    const t = tensors.get(e.name)!;
    if (!sameShape(t.shape, e.shape)) fail(`${e.name} has shape ${shapeText(t.shape)}, the config needs ${shapeText(e.shape)}`);
  }
  // Allocated only now that every shape matches tensors in memory, so its size is bounded.
  const params = new Float32Array(layout.totalElems);
  for (const e of layout.entries) {
    const t = tensors.get(e.name)!;
    const bad = t.data.findIndex((x) => !Number.isFinite(x));
    if (bad >= 0) fail(`${e.name} holds a non-finite value (${t.data[bad]}) at index ${bad}: the model had diverged when it was saved`);
    params.set(t.data, e.offset);
  }
  const head = tensors.get(LM_HEAD);
  if (head) {
    const wte = tensors.get(WTE)!;
    if (!sameShape(head.shape, wte.shape)) fail(`${LM_HEAD} has shape ${shapeText(head.shape)}, the config needs ${shapeText(wte.shape)}`);
    // We tie the head to wte; a different head would be silently dropped, changing the model.
    if (head.data.some((x, i) => !Object.is(x, wte.data[i]))) {
      fail(`${LM_HEAD} differs from ${WTE}: the playground ties the LM head to the token embedding, so an untied model cannot be imported`);
    }
  }
  return params;
}

const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

function isLayer(name: string, config: GPTConfig): boolean {
  const m = BLOCK_NAME.exec(name);
  return m !== null && Number(m[1]) < config.nLayer;
}

function listNames(names: string[]): string {
  return names.length === 1 ? names[0] : `${names[0]} (and ${names.length - 1} more: ${names.slice(1, 4).join(', ')}${names.length > 4 ? ', …' : ''})`;
}
