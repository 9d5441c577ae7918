// Share links: a whole demo — and, when they fit, the trained weights — in the fragment of a
// URL, so a static site with no server can hand a run to someone else. The fragment never
// reaches a server, and browsers accept a couple of megabytes of it.
//
//   "#demo=" + base64url( envelope )        envelope: share-envelope.ts (magic, version, CRC)
//   envelope payload = deflate-raw( contents )
//   contents = u32 LE  JSON byte length
//              JSON of the DemoState (corpus text omitted for shipped samples)
//              [weights, when flag bit 0 is set:]
//              u32 LE  vocabSize   (the demo's model has no vocabulary size: the tokenizer decides it)
//              u32 LE  step
//              u32 LE  tensor count
//              f32 LE  scale per tensor
//              i8      every tensor's elements, layout order, no padding
//
// The weights are quantised and dequantised by the engine (engine/codecs/quantize.ts, in the
// worker); this codec carries the int8 tensors and their scales and checks that they fit.
//
// Links come from strangers, so decoding checks everything and fails with one
// InvalidShareLinkError whose message can be shown as is next to the link box.
import type { GPTConfig } from '../core/config';
import { paramLayout, type QuantizedParams } from '../core/params';
import { MAX_VOCAB_SIZE } from '../core/tokenizer-json';
import { InvalidDemoError, parseDemo, type DemoState } from './demo';
import { InflateTooLargeError, deflateRaw, fromBase64Url, inflateRawBounded, toBase64Url } from './share-bytes';
import { FLAG_WEIGHTS, InvalidShareLinkError, MESSAGES, SHARE_MAGIC, openEnvelope, sealEnvelope } from './share-envelope';

export { InvalidShareLinkError, SHARE_FORMAT_VERSION, type ShareLinkProblem } from './share-envelope';

export const SHARE_PREFIX = '#demo=';
/** Default limit on the fragment's length: well under Chromium's 2 MB URL limit. */
export const DEFAULT_LINK_BUDGET = 1_500_000;
/** Inflated contents above this are refused (a zip bomb in a link must not exhaust memory). */
export const MAX_INFLATED_BYTES = 64 * 1024 * 1024;
// A pasted fragment longer than this is not something we wrote (the budget is 1.5 MB).
const MAX_FRAGMENT_CHARS = 64 * 1024 * 1024;
// "GPTP" in base64url starts with these characters whatever follows it.
const MAGIC_B64 = toBase64Url(new TextEncoder().encode(SHARE_MAGIC)).slice(0, 5);

export interface ShareWeights {
  /** The parameters quantised to int8 per tensor (the worker's quantizedParams request). */
  quantized: QuantizedParams;
  /** Must describe the demo's model, plus the tokenizer's vocabulary size. */
  config: GPTConfig;
  step: number;
}

export interface EncodedShareLink {
  /** "#demo=…", to append to the page's URL. */
  fragment: string;
  /** Length of `fragment` (base64url is ASCII: characters = bytes). */
  bytes: number;
  includesWeights: boolean;
  /**
   * The link as asked for did not fit the budget: weights, if given, were left out. When
   * `bytes` is still above the budget, the demo alone (its pasted corpus) is too big too.
   */
  overBudget: boolean;
}

export interface DecodedShareLink {
  demo: DemoState;
  /**
   * The int8 weights, checked to fit the config (the engine dequantises them), and that
   * config: the demo's model with the vocabulary size the link carries. The app should check
   * that its tokenizer rebuilt from the corpus has that many tokens.
   */
  weights: ShareWeights | null;
}

/** Builds the share-link fragment for a demo, with quantised weights when they fit the budget. */
export async function encodeShareLink(
  demo: DemoState,
  weights?: ShareWeights,
  opts?: { budgetBytes?: number },
): Promise<EncodedShareLink> {
  const budget = opts?.budgetBytes ?? DEFAULT_LINK_BUDGET;
  const { clean, parts } = demoSection(demo);
  if (weights) {
    const fragment = linkOf(await seal([...parts, ...weightsSection(clean, weights)], FLAG_WEIGHTS));
    if (fragment.length <= budget) return { fragment, bytes: fragment.length, includesWeights: true, overBudget: false };
  }
  const fragment = linkOf(await seal(parts, 0));
  return { fragment, bytes: fragment.length, includesWeights: false, overBudget: !!weights || fragment.length > budget };
}

/**
 * The bytes a link's base64url text stands for (the envelope), always with the weights when
 * given: what a file carries (the app's shipped demos, public/demos/*.demo). decodeSharePayload
 * reads it back.
 */
export async function encodeSharePayload(demo: DemoState, weights?: ShareWeights): Promise<Uint8Array> {
  const { clean, parts } = demoSection(demo);
  return weights ? seal([...parts, ...weightsSection(clean, weights)], FLAG_WEIGHTS) : seal(parts, 0);
}

const linkOf = (envelope: Uint8Array): string => SHARE_PREFIX + toBase64Url(envelope);

/** The demo validated, and its part of the contents: JSON length, JSON. */
function demoSection(demo: DemoState): { clean: DemoState; parts: Uint8Array[] } {
  // Validate our own input too: a link that its own decoder would refuse is worse than an error now.
  const clean = parseDemo(demo);
  if (clean.corpus.source.kind === 'sample') clean.corpus.text = ''; // the id regenerates it
  const json = new TextEncoder().encode(JSON.stringify(clean));
  const head = new Uint8Array(4);
  new DataView(head.buffer).setUint32(0, json.length, true);
  return { clean, parts: [head, json] };
}

function weightsSection(demo: DemoState, w: ShareWeights): Uint8Array[] {
  const m = demo.model;
  const c = w.config;
  const same =
    c.nLayer === m.nLayer && c.nHead === m.nHead && c.nEmbd === m.nEmbd && c.blockSize === m.blockSize &&
    c.norm === m.norm && c.activation === m.activation && c.positions === m.positions && c.causal === m.causal;
  if (!same) throw new Error("encodeShareLink: the weights' config does not describe the demo's model");
  if (!Number.isInteger(c.vocabSize) || c.vocabSize < 1 || c.vocabSize > MAX_VOCAB_SIZE) {
    throw new Error(`encodeShareLink: vocabSize ${c.vocabSize} is out of range`);
  }
  if (!Number.isInteger(w.step) || w.step < 0 || w.step > 0xffffffff) throw new Error(`encodeShareLink: step ${w.step} is not a u32`);
  const { scales, q } = w.quantized;
  const expect = expectedCounts(c);
  if (scales.length !== expect.tensors || q.length !== expect.elements) {
    throw new Error(`encodeShareLink: ${scales.length} scales and ${q.length} values given, the model has ${expect.tensors} tensors and ${expect.elements} parameters`);
  }
  const meta = new Uint8Array(12 + 4 * scales.length);
  const view = new DataView(meta.buffer);
  view.setUint32(0, c.vocabSize, true);
  view.setUint32(4, w.step, true);
  view.setUint32(8, scales.length, true);
  scales.forEach((s, i) => view.setFloat32(12 + 4 * i, s, true));
  return [meta, new Uint8Array(q.buffer, q.byteOffset, q.byteLength)];
}

async function seal(parts: Uint8Array[], flags: number): Promise<Uint8Array> {
  const contents = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    contents.set(p, at);
    at += p.length;
  }
  return sealEnvelope(await deflateRaw(contents), flags);
}

/**
 * Reads a share link: the fragment ("#demo=…"), or a whole URL or text containing it.
 * Throws InvalidShareLinkError with a message for the user for anything it cannot open.
 */
export async function decodeShareLink(fragment: string): Promise<DecodedShareLink> {
  const text = linkText(fragment);
  const decoded = fromBase64Url(text);
  if ('badIndex' in decoded) throw new InvalidShareLinkError('corrupted', `The link is damaged: it contains “${text[decoded.badIndex]}”, which a GPT Playground link never has.`);
  return decodeSharePayload(decoded.bytes);
}

/**
 * Reads the bytes of a link (its envelope: what encodeSharePayload writes, or a link's
 * base64url text decoded), with every check decodeShareLink makes; the messages speak of
 * "the link" since that is how the format reaches people.
 */
export async function decodeSharePayload(bytes: Uint8Array): Promise<DecodedShareLink> {
  const { flags, compressed } = openEnvelope(bytes);

  let contents: Uint8Array;
  try {
    contents = await inflateRawBounded(compressed, MAX_INFLATED_BYTES);
  } catch (e) {
    if (e instanceof InflateTooLargeError) {
      throw new InvalidShareLinkError('too-large', `The link unpacks to more than ${MAX_INFLATED_BYTES / 1024 / 1024} MB, more than a GPT Playground link ever holds; it was not opened.`);
    }
    // The checksum matched, so only a link built to look valid gets here; its deflate data
    // ends early or is malformed, which is what a cut-off link would look like.
    throw new InvalidShareLinkError('incomplete', MESSAGES.incomplete);
  }

  const view = new DataView(contents.buffer, contents.byteOffset, contents.byteLength);
  if (contents.length < 4) throw invalidDemo('it has no demo');
  const jsonLen = view.getUint32(0, true);
  if (jsonLen > contents.length - 4) throw invalidDemo('its demo is cut short');
  let demo: DemoState;
  try {
    demo = parseDemo(JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(contents.subarray(4, 4 + jsonLen))));
  } catch (e) {
    if (e instanceof InvalidDemoError) throw invalidDemo(e.message);
    throw invalidDemo('its demo is not readable JSON');
  }
  const rest = contents.subarray(4 + jsonLen);
  if (!(flags & FLAG_WEIGHTS)) {
    if (rest.length) throw invalidWeights('it has data after the demo but says it has no weights');
    return { demo, weights: null };
  }
  return { demo, weights: readWeights(demo, rest) };
}

/** The base64url text after the prefix; accepts a full URL and surrounding whitespace. */
function linkText(input: string): string {
  if (input.length > MAX_FRAGMENT_CHARS) throw new InvalidShareLinkError('too-large', 'The link is far longer than any GPT Playground link; it was not opened.');
  const s = input.trim();
  const at = s.indexOf(SHARE_PREFIX);
  let text: string;
  if (at >= 0) text = s.slice(at + SHARE_PREFIX.length);
  else if (s.startsWith(SHARE_PREFIX.slice(1))) text = s.slice(SHARE_PREFIX.length - 1);
  else throw new InvalidShareLinkError('not-a-link', MESSAGES.notALink);
  if (text.length === 0) throw new InvalidShareLinkError('incomplete', MESSAGES.incomplete);
  // Our links all start with the magic's characters; anything else was never one, however
  // it is damaged further on. (A shorter text that matches so far was cut off.)
  if (!MAGIC_B64.startsWith(text.slice(0, MAGIC_B64.length))) throw new InvalidShareLinkError('not-a-link', MESSAGES.notALink);
  return text;
}

const invalidDemo = (why: string) => new InvalidShareLinkError('invalid-demo', `The link's demo cannot be used: ${why}.`);
const invalidWeights = (why: string) => new InvalidShareLinkError('invalid-weights', `The link's weights do not fit its model: ${why}.`);

function readWeights(demo: DemoState, bytes: Uint8Array): ShareWeights {
  if (bytes.length < 12) throw invalidWeights('the weights section is cut short');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const vocabSize = view.getUint32(0, true);
  const step = view.getUint32(4, true);
  const nTensors = view.getUint32(8, true);
  if (vocabSize < 1 || vocabSize > MAX_VOCAB_SIZE) throw invalidWeights(`a vocabulary of ${vocabSize} tokens is out of range`);
  const config: GPTConfig = { ...demo.model, vocabSize };
  // Compare counts by formula before building the layout: parseDemo accepts any layer count,
  // and paramLayout of a crafted million-layer model would be slow and large.
  const expect = expectedCounts(config);
  if (nTensors !== expect.tensors) throw invalidWeights(`it has ${nTensors} tensors, the model has ${expect.tensors}`);
  const qBytes = bytes.length - 12 - 4 * nTensors;
  if (qBytes !== expect.elements) throw invalidWeights(`it has ${Math.max(0, qBytes)} values, the model has ${expect.elements} parameters`);
  const scales = new Float32Array(nTensors);
  for (let i = 0; i < nTensors; i++) scales[i] = view.getFloat32(12 + 4 * i, true);
  // The counts fit, so the layout is the model's own size and cheap to build.
  paramLayout(config).entries.forEach((e, i) => {
    if (!(Number.isFinite(scales[i]) && scales[i] >= 0)) throw invalidWeights(`the scale of ${e.name} is ${scales[i]}, not a finite number ≥ 0`);
  });
  const q = new Int8Array(bytes.buffer, bytes.byteOffset + 12 + 4 * nTensors, qBytes).slice();
  return { quantized: { scales, q }, step, config };
}

/** Tensor and element counts of paramSpecs(config), by formula (see model/params.ts). */
function expectedCounts(c: GPTConfig): { tensors: number; elements: number } {
  const C = c.nEmbd;
  const learned = c.positions === 'learned';
  const pre = c.norm === 'pre';
  return {
    tensors: 1 + (learned ? 1 : 0) + 12 * c.nLayer + (pre ? 2 : 0),
    elements: c.vocabSize * C + (learned ? c.blockSize * C : 0) + c.nLayer * (12 * C * C + 13 * C) + (pre ? 2 * C : 0),
  };
}
