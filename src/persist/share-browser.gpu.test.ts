// The share-link codec where it really runs: Chromium's CompressionStream and
// DecompressionStream, whose error behaviour differs from Node's (share.test.ts covers the rest).
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type GPTConfig } from '../core/config';
import { initParams, paramLayout } from '../core/params';
import { DEFAULT_TRAIN } from '../core/settings';
import { testSeed } from '../engine/testing/seed';
import { DEFAULT_DEMO_SAMPLE, DEMO_FORMAT, DEMO_VERSION, type DemoState } from './demo';
import { quantizeParams } from '../engine/codecs/quantize';
import { InvalidShareLinkError, SHARE_PREFIX, decodeShareLink, encodeShareLink } from './share';
import { toBase64Url } from './share-bytes';
import { sealEnvelope } from './share-envelope';

describe('share link in the browser', () => {
  it('round-trips weights, reports a cut link, and refuses a zip bomb', async () => {
    const seed = testSeed();
    const { vocabSize, ...model } = { ...DEFAULT_CONFIG, nLayer: 1, nHead: 2, nEmbd: 16, blockSize: 8, vocabSize: 30 };
    const demo: DemoState = {
      format: DEMO_FORMAT,
      version: DEMO_VERSION,
      corpus: { source: { kind: 'file', name: 'poem.txt' }, text: 'so long lives this, and this gives life to thee' },
      tokenizer: { kind: 'char' },
      model,
      train: { ...DEFAULT_TRAIN, blockSize: 8 },
      sample: { ...DEFAULT_DEMO_SAMPLE },
    };
    const config: GPTConfig = { ...model, vocabSize };
    const params = initParams(config, paramLayout(config), seed);
    const quantized = quantizeParams(config, params);
    const link = await encodeShareLink(demo, { quantized, config, step: 123 });
    const back = await decodeShareLink(link.fragment);
    expect(back.demo).toEqual(demo);
    expect(back.weights!.quantized, `seed ${seed}`).toEqual(quantized);

    const cut = await decodeShareLink(link.fragment.slice(0, link.fragment.length - 50)).catch((e: unknown) => e);
    expect(cut).toBeInstanceOf(InvalidShareLinkError);
    expect((cut as Error).message).toBe('The link is incomplete — it may have been cut off when copied.');

    const cs = new CompressionStream('deflate-raw');
    const writer = cs.writable.getWriter();
    void (async () => {
      for (let i = 0; i < 70; i++) await writer.write(new Uint8Array(1 << 20));
      await writer.close();
    })();
    const bomb = new Uint8Array(await new Response(cs.readable).arrayBuffer());
    const err = await decodeShareLink(SHARE_PREFIX + toBase64Url(sealEnvelope(bomb, 0))).catch((e: unknown) => e);
    expect((err as InvalidShareLinkError).problem).toBe('too-large');
  });
});
