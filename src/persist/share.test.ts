import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type GPTConfig } from '../core/config';
import { initParams, paramLayout } from '../core/params';
import { DEFAULT_TRAIN } from '../core/settings';
import { Rng } from '../core/rng';
import { testSeed } from '../engine/testing/seed';
import { DEFAULT_DEMO_SAMPLE, DEMO_FORMAT, DEMO_VERSION, type DemoState } from './demo';
import { dequantizeParams, quantizeParams } from '../engine/codecs/quantize';
import { DEFAULT_LINK_BUDGET, InvalidShareLinkError, SHARE_PREFIX, decodeShareLink, encodeShareLink } from './share';
import { crc32, deflateRaw, fromBase64Url, inflateRawBounded, toBase64Url } from './share-bytes';
import { FLAG_WEIGHTS, HEADER_BYTES, sealEnvelope } from './share-envelope';

const model: DemoState['model'] = { ...DEFAULT_CONFIG, nLayer: 2, nHead: 2, nEmbd: 16, blockSize: 8 };
delete (model as Partial<GPTConfig>).vocabSize;

function makeDemo(over: Partial<DemoState> = {}, m: DemoState['model'] = model): DemoState {
  return {
    format: DEMO_FORMAT,
    version: DEMO_VERSION,
    corpus: { source: { kind: 'paste' }, text: 'To be, or not to be — ☃ that is the question.\n' },
    tokenizer: { kind: 'char' },
    model: m,
    train: { ...DEFAULT_TRAIN, blockSize: m.blockSize, batchSize: 4 },
    sample: { ...DEFAULT_DEMO_SAMPLE, prompt: 'To be', seed: 7 },
    ...over,
  };
}

/** Trained-looking weights: the init plus noise, so every tensor has its own scale. */
function makeWeights(m: DemoState['model'], rng: Rng, vocabSize = 31) {
  const config: GPTConfig = { ...m, vocabSize };
  const layout = paramLayout(config);
  const params = initParams(config, layout, rng.nextU32());
  for (const e of layout.entries) for (let j = 0; j < e.size; j++) params[e.offset + j] += rng.normal() * 0.01;
  return { params, quantized: quantizeParams(config, params), config, step: rng.int(100_000) };
}

async function rejects(fragment: string, problem: string, message: RegExp | string) {
  const err = await decodeShareLink(fragment).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err, `decoding ${fragment.slice(0, 40)}… should fail`).toBeInstanceOf(InvalidShareLinkError);
  expect((err as InvalidShareLinkError).problem).toBe(problem);
  if (typeof message === 'string') expect((err as Error).message).toBe(message);
  else expect((err as Error).message).toMatch(message);
}

/** A link with the given contents, correctly sealed: for contents the encoder never writes. */
async function craft(contents: Uint8Array, flags: number, version?: number): Promise<string> {
  return SHARE_PREFIX + toBase64Url(sealEnvelope(await deflateRaw(contents), flags, version));
}

/** The inflated contents of a link we made. */
async function contentsOf(fragment: string): Promise<Uint8Array> {
  const r = fromBase64Url(fragment.slice(SHARE_PREFIX.length));
  if (!('bytes' in r)) throw new Error('bad base64');
  return inflateRawBounded(r.bytes.subarray(HEADER_BYTES), 1 << 30);
}

const INCOMPLETE = 'The link is incomplete — it may have been cut off when copied.';
const NOT_A_LINK = 'This is not a GPT Playground link.';

describe('share-link byte helpers', () => {
  it('CRC-32 matches the standard check value and continues across pieces', () => {
    const b = new TextEncoder().encode('123456789');
    expect(crc32(b)).toBe(0xcbf43926);
    expect(crc32(b.subarray(4), crc32(b.subarray(0, 4)))).toBe(0xcbf43926);
  });

  it('base64url round-trips every length and matches Node’s encoder', () => {
    const seed = testSeed();
    const rng = new Rng(seed);
    for (let n = 0; n < 40; n++) {
      const bytes = Uint8Array.from({ length: n * 37 }, () => rng.int(256));
      const s = toBase64Url(bytes);
      expect(s, `seed ${seed}`).toBe(Buffer.from(bytes).toString('base64url'));
      expect(fromBase64Url(s), `seed ${seed}`).toEqual({ bytes });
    }
    expect(fromBase64Url('ab+c')).toEqual({ badIndex: 2 });
  });
});

describe('share link round trip', () => {
  it('carries the demo alone: pasted text kept, a shipped sample’s text left out', async () => {
    const pasted = makeDemo();
    const a = await encodeShareLink(pasted);
    expect(a.fragment.startsWith('#demo=')).toBe(true);
    expect(a.bytes).toBe(a.fragment.length);
    expect(a).toMatchObject({ includesWeights: false, overBudget: false });
    expect(await decodeShareLink(a.fragment)).toEqual({ demo: pasted, weights: null });

    const sample = makeDemo({ corpus: { source: { kind: 'sample', id: 'shakespeare' }, text: 'would be regenerated'.repeat(500) } });
    const b = await encodeShareLink(sample);
    const back = await decodeShareLink(b.fragment);
    expect(back.demo.corpus).toEqual({ source: { kind: 'sample', id: 'shakespeare' }, text: '' });
    expect(b.bytes).toBeLessThan(a.bytes + 200); // the 10 kB text is not in it
    // A whole URL, with whitespace around it, works too.
    expect((await decodeShareLink(` https://example.org/app/?x=1${a.fragment}\n`)).demo).toEqual(pasted);
  });

  it('carries the loss history with the weights', async () => {
    const history = { steps: [{ step: 1, loss: 4.2 }, { step: 2, loss: 3.9 }, { step: 3, loss: 3.1 }], evals: [{ step: 3, train: 3.05, val: 3.2 }] };
    const demo = makeDemo({ history });
    const w = makeWeights(model, new Rng(5));
    const back = await decodeShareLink((await encodeShareLink(demo, w)).fragment);
    expect(back.demo.history).toEqual(history);
    expect(back.weights).not.toBeNull();
  });

  const variants: [string, Partial<DemoState['model']>][] = [];
  for (const norm of ['pre', 'post'] as const)
    for (const positions of ['learned', 'sinusoidal'] as const)
      for (const activation of ['gelu', 'relu'] as const)
        for (const causal of [true, false]) variants.push([`${norm}-LN ${positions} ${activation}${causal ? '' : ' no-mask'}`, { norm, positions, activation, causal }]);

  for (const [label, v] of variants) {
    it(`carries weights within quantisation error: ${label}`, async () => {
      const seed = testSeed();
      const rng = new Rng(seed);
      const m = { ...model, ...v };
      const demo = makeDemo({ tokenizer: { kind: 'bpe', vocabSize: 300 } }, m);
      const w = makeWeights(m, rng, 20 + rng.int(40));
      const link = await encodeShareLink(demo, w);
      expect(link, `seed ${seed}`).toMatchObject({ includesWeights: true, overBudget: false, bytes: link.fragment.length });
      const back = await decodeShareLink(link.fragment);
      expect(back.demo).toEqual(demo);
      expect(back.weights!.step).toBe(w.step);
      expect(back.weights!.config).toEqual(w.config);
      const q = w.quantized;
      // Exactly the quantised weights, and so, dequantised, within scale/2 of each value.
      expect(back.weights!.quantized, `seed ${seed}`).toEqual(q);
      const params = dequantizeParams(w.config, back.weights!.quantized);
      paramLayout(w.config).entries.forEach((e, k) => {
        for (let j = 0; j < e.size; j++) {
          const err = Math.abs(params[e.offset + j] - w.params[e.offset + j]);
          if (err > q.scales[k] * 0.5001) throw new Error(`${e.name}[${j}] off by ${err} > scale/2 (seed ${seed})`);
        }
      });
    });
  }

  it('leaves the weights out when they do not fit the budget, and says so', async () => {
    const seed = testSeed();
    const demo = makeDemo();
    const w = makeWeights(model, new Rng(seed));
    const full = await encodeShareLink(demo, w);
    const alone = await encodeShareLink(demo);
    expect(full.bytes, `seed ${seed}`).toBeGreaterThan(alone.bytes + 1000);
    expect(full.bytes).toBeLessThan(DEFAULT_LINK_BUDGET);

    const tight = await encodeShareLink(demo, w, { budgetBytes: full.bytes - 1 });
    expect(tight).toEqual({ ...alone, overBudget: true });
    expect((await decodeShareLink(tight.fragment)).weights).toBeNull();
    expect(await encodeShareLink(demo, w, { budgetBytes: full.bytes })).toMatchObject({ includesWeights: true, overBudget: false });
    // Even the demo alone over budget: still a usable link, flagged.
    const tiny = await encodeShareLink(demo, undefined, { budgetBytes: 10 });
    expect(tiny).toMatchObject({ includesWeights: false, overBudget: true });
    expect((await decodeShareLink(tiny.fragment)).demo).toEqual(demo);
  });

  it('refuses to encode weights that do not belong to the demo’s model', async () => {
    const w = makeWeights(model, new Rng(1));
    await expect(encodeShareLink(makeDemo({}, { ...model, nLayer: 1 }), w)).rejects.toThrow(/config does not describe/);
    await expect(encodeShareLink(makeDemo(), { ...w, quantized: { ...w.quantized, q: w.quantized.q.subarray(1) } })).rejects.toThrow(/values given, the model has/);
  });
});

describe('share link failures', () => {
  it('a link cut off anywhere is reported as incomplete', async () => {
    const seed = testSeed();
    const rng = new Rng(seed);
    const { fragment } = await encodeShareLink(makeDemo(), makeWeights(model, rng));
    const body = fragment.length - SHARE_PREFIX.length;
    // Inside the magic, the version, the header, and at random places in the payload.
    const cuts = [1, 3, 6, 8, 12, 18, 19, 20, ...Array.from({ length: 12 }, () => 20 + rng.int(body - 21)), body - 1];
    for (const cut of cuts) {
      const err = await decodeShareLink(fragment.slice(0, SHARE_PREFIX.length + cut)).catch((e: unknown) => e);
      expect(err, `cut at ${cut} of ${body} (seed ${seed})`).toBeInstanceOf(InvalidShareLinkError);
      expect((err as Error).message, `cut at ${cut} (seed ${seed})`).toBe(INCOMPLETE);
    }
    await rejects('#demo=', 'incomplete', INCOMPLETE);
  });

  it('a changed byte anywhere after the version is caught by the checksum', async () => {
    const seed = testSeed();
    const rng = new Rng(seed);
    const { fragment } = await encodeShareLink(makeDemo(), makeWeights(model, rng));
    const bytes = (fromBase64Url(fragment.slice(SHARE_PREFIX.length)) as { bytes: Uint8Array }).bytes;
    for (let trial = 0; trial < 12; trial++) {
      const at = trial === 0 ? 5 : trial === 1 ? 10 : 6 + rng.int(bytes.length - 6);
      // The length field (6..9) is special: a larger length reads as a cut-off link.
      if (at >= 6 && at < 10) continue;
      const bad = bytes.slice();
      bad[at] ^= 1 << rng.int(8);
      const err = await decodeShareLink(SHARE_PREFIX + toBase64Url(bad)).catch((e: unknown) => e);
      expect((err as InvalidShareLinkError).problem, `byte ${at} of ${bytes.length} (seed ${seed})`).toBe('corrupted');
      expect((err as Error).message).toMatch(/damaged.*checksum/);
    }
    // Extra data after the payload, and a character outside base64url.
    await rejects(fragment + 'AAAA', 'corrupted', /checksum/);
    await rejects(fragment.slice(0, 30) + '%' + fragment.slice(31), 'corrupted', /contains “%”/);
  });

  it('other sites’ fragments and other magic are not GPT Playground links', async () => {
    const { fragment } = await encodeShareLink(makeDemo());
    await rejects('#section-2', 'not-a-link', NOT_A_LINK);
    await rejects('#model=' + fragment.slice(SHARE_PREFIX.length), 'not-a-link', NOT_A_LINK);
    await rejects('#demo=hello-world', 'not-a-link', NOT_A_LINK);
    await rejects(SHARE_PREFIX + toBase64Url(new TextEncoder().encode('PK\x03\x04 a zip file')), 'not-a-link', NOT_A_LINK);
  });

  it('a link of another format version says so', async () => {
    const contents = await contentsOf((await encodeShareLink(makeDemo())).fragment);
    await rejects(await craft(contents, 0, 2), 'version', /different version of GPT Playground \(link format 2; this version reads format 1\)/);
    await rejects(await craft(contents, 0x80), 'version', /newer version/);
    expect((await decodeShareLink(await craft(contents, 0))).demo).toEqual(makeDemo());
  });

  it('contents that unpack past 64 MB are refused without unpacking them', async () => {
    // ~70 MB of zeros deflates to ~70 kB: fed to the compressor in 1 MB pieces.
    const cs = new CompressionStream('deflate-raw');
    const writer = cs.writable.getWriter();
    const chunk = new Uint8Array(1 << 20);
    void (async () => {
      for (let i = 0; i < 70; i++) await writer.write(chunk);
      await writer.close();
    })();
    const bomb = new Uint8Array(await new Response(cs.readable).arrayBuffer());
    expect(bomb.length).toBeLessThan(200_000);
    await rejects(SHARE_PREFIX + toBase64Url(sealEnvelope(bomb, 0)), 'too-large', /more than 64 MB/);
  });

  it('sealed contents that are not a demo name the problem', async () => {
    const enc = new TextEncoder();
    const withLen = (json: string, extra: number[] = []) => {
      const j = enc.encode(json);
      const out = new Uint8Array(4 + j.length + extra.length);
      new DataView(out.buffer).setUint32(0, j.length, true);
      out.set(j, 4);
      out.set(extra, 4 + j.length);
      return out;
    };
    await rejects(await craft(withLen('{"format": "gpt-playground/demo", "version": 1}'), 0), 'invalid-demo', "The link's demo cannot be used: corpus is missing.");
    await rejects(await craft(withLen('{not json'), 0), 'invalid-demo', /not readable JSON/);
    await rejects(await craft(withLen(JSON.stringify({ ...makeDemo(), model: { ...model, nHead: 3 } })), 0), 'invalid-demo', /model: Width 16 must be divisible/);
    await rejects(await craft(new Uint8Array([200, 0, 0, 0, 1, 2]), 0), 'invalid-demo', /cut short/);
    await rejects(await craft(withLen(JSON.stringify(makeDemo()), [1, 2, 3]), 0), 'invalid-weights', /says it has no weights/);
    // Uncompressed garbage behind a valid checksum: the deflate data is malformed.
    await rejects(SHARE_PREFIX + toBase64Url(sealEnvelope(new Uint8Array([0xff, 0xff, 0xff]), 0)), 'incomplete', INCOMPLETE);
  });

  it('weights that do not fit the demo’s model name the problem', async () => {
    const seed = testSeed();
    const { fragment } = await encodeShareLink(makeDemo(), makeWeights(model, new Rng(seed)));
    const contents = await contentsOf(fragment);
    const view = new DataView(contents.buffer);
    const jsonLen = view.getUint32(0, true);
    const json = new TextDecoder().decode(contents.subarray(4, 4 + jsonLen));
    const weights = contents.subarray(4 + jsonLen);
    const reseal = (demoJson: string, w: Uint8Array) => {
      const j = new TextEncoder().encode(demoJson);
      const out = new Uint8Array(4 + j.length + w.length);
      new DataView(out.buffer).setUint32(0, j.length, true);
      out.set(j, 4);
      out.set(w, 4 + j.length);
      return craft(out, FLAG_WEIGHTS);
    };
    const demo = JSON.parse(json) as DemoState;
    // Same bytes, a model with one more layer / no learned positions / a wider stream.
    await rejects(await reseal(JSON.stringify({ ...demo, model: { ...model, nLayer: 3 } }), weights), 'invalid-weights', /has 28 tensors, the model has 40/);
    await rejects(await reseal(JSON.stringify({ ...demo, model: { ...model, positions: 'sinusoidal' } }), weights), 'invalid-weights', /tensors/);
    await rejects(await reseal(JSON.stringify({ ...demo, model: { ...model, nHead: 4, nEmbd: 20 } }), weights), 'invalid-weights', /values, the model has/);
    // A crafted million-layer model is refused by counting, not by building its layout.
    await rejects(await reseal(JSON.stringify({ ...demo, model: { ...model, nLayer: 1_000_000 } }), weights), 'invalid-weights', /the model has 12000004\./);
    await rejects(await reseal(json, weights.subarray(0, weights.length - 1)), 'invalid-weights', /values/);
    await rejects(await reseal(json, weights.subarray(0, 8)), 'invalid-weights', /cut short/);
    const badVocab = weights.slice();
    new DataView(badVocab.buffer).setUint32(0, 0, true);
    await rejects(await reseal(json, badVocab), 'invalid-weights', /vocabulary of 0/);
    const badScale = weights.slice();
    new DataView(badScale.buffer).setFloat32(12 + 4 * 3, NaN, true);
    await rejects(await reseal(json, badScale), 'invalid-weights', /scale of transformer\.h\.0\.attn\.c_proj\.weight is NaN/);
    // Untouched, the same pieces decode.
    expect((await decodeShareLink(await reseal(json, weights))).weights).not.toBeNull();
  });
});
