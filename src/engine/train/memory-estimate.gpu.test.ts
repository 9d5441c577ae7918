// The memory preflight against the buffer ledger on a real device: everything a GPU session
// can hold (trainer, f32 decoder and inference, the f16 copy with its own decoder or
// inference) is built and used for models of several sizes and variants; the estimate must
// cover the ledger's high-water mark and stay within 15% of it, and every owner's destroy()
// must return its live bytes to zero.
import { describe, expect, it } from 'vitest';
import { getTestGpu } from '../testing/gpu';
import { DEFAULT_CONFIG, type GPTConfig } from '../../core/config';
import { DEFAULT_TRAIN, type TrainSettings } from '../../core/settings';
import { estimateMemory } from '../../core/memory';
import { decoderBytes, halfWeightsBytes, inferenceBytes, inspectorBatch, inspectorBytes, trainerAllocations } from '../../core/allocations';
import { formatBytes } from '../../core/format';
import { defaultKernelConfig } from '../tune/defaults';
import { HalfWeights } from '../model/half-weights';
import { Decoder } from '../sample/decoder';
import { Inference } from '../sample/inference';
import { Trainer } from './trainer';
import { GpuInspector } from '../inspect/gpu-inspector';

interface Case {
  name: string;
  config: GPTConfig;
  settings: Partial<TrainSettings>;
}

const CASES: Case[] = [
  { name: 'pre-LN GELU, learned positions', config: { ...DEFAULT_CONFIG, nLayer: 2, nHead: 2, nEmbd: 16, blockSize: 8, vocabSize: 11 }, settings: { batchSize: 3, blockSize: 8 } },
  {
    name: 'post-LN ReLU, sinusoidal, two micro-batches',
    config: { ...DEFAULT_CONFIG, nLayer: 1, nHead: 3, nEmbd: 24, blockSize: 12, vocabSize: 29, norm: 'post', activation: 'relu', positions: 'sinusoidal' },
    settings: { batchSize: 2, blockSize: 10, gradAccumSteps: 2 },
  },
  {
    name: 'no causal mask (f16 inference instead of decoders)',
    config: { ...DEFAULT_CONFIG, nLayer: 3, nHead: 4, nEmbd: 32, blockSize: 16, vocabSize: 40, causal: false },
    settings: { batchSize: 2, blockSize: 16 },
  },
];

const tokensFor = (c: GPTConfig): Uint32Array => Uint32Array.from({ length: 400 }, (_, i) => (i * 7 + (i >> 3)) % c.vocabSize);

describe('memory estimate against the buffer ledger', () => {
  for (const { name, config: c, settings: partial } of CASES) {
    it(`${name}: estimate ≥ the ledger's peak, within 15%; destroy() frees every owner`, async () => {
      const gpu = await getTestGpu();
      const kc = defaultKernelConfig(gpu);
      const settings: TrainSettings = { ...DEFAULT_TRAIN, ...partial, evalIters: 2, seed: 5 };
      const ledger = gpu.ledger;
      gpu.dummyBuffer('read');
      gpu.dummyBuffer('read_write'); // the device's own, made once: not this session's
      gpu.dummyBuffer('read_write', 1);
      const before = ledger.liveBytes();
      ledger.resetPeak();

      const tokens = tokensFor(c);
      const trainer = await Trainer.create(gpu, kc, c, settings, tokens);
      await trainer.trainStep();
      await trainer.trainStep();
      await trainer.flush();
      await trainer.evaluate();
      const { weights } = trainer;
      const inference = new Inference(gpu, kc, weights);
      const half = await HalfWeights.create(gpu, weights);
      const bs = c.blockSize;
      // The most plans an inference keeps, near full length, with the heatmaps' probabilities.
      for (const T of [bs, bs - 1, bs - 2]) await inference.attention(tokens.slice(0, T));
      const owners = [trainer.gpu, inference.gpu, half.gpu];
      const decoders: Decoder[] = [];
      let halfInference: Inference | null = null;
      if (c.causal) {
        for (const opts of [{}, { half }]) {
          const d = await Decoder.build(gpu, kc, weights, opts);
          await d.prefill(tokens.slice(0, 3));
          await d.next(1);
          decoders.push(d);
          owners.push(d.gpu);
        }
      } else {
        halfInference = new Inference(gpu, kc, weights, { half });
        for (const T of [bs, bs - 1, bs - 2]) await halfInference.logits(tokens.slice(0, T));
        owners.push(halfInference.gpu);
      }
      // The Inspect views' largest runs: batches of whole windows (and of the surprisal's last,
      // shorter ones), and one sequence with the heatmaps' probabilities.
      const inspector = new GpuInspector(gpu, kc, weights);
      const B = inspectorBatch(bs, c.vocabSize);
      for (const T of [bs, bs - 1]) await inspector.run(tokens.slice(0, B * T), B, T);
      await inspector.run(tokens.slice(0, bs), 1, bs, { capture: { probs: true } });
      owners.push(inspector.gpu);
      // A snapshot on its way to the CPU copy while a save reads a weight buffer.
      await Promise.all((['params', 'm', 'v', 'params'] as const).map((kind) => weights.read(kind)));

      const peak = ledger.peakBytes - before;
      const estimate = estimateMemory(c, settings.batchSize, settings.blockSize, settings.gradAccumSteps);
      const byOwner = owners.map((o) => `${o.buffers.owner.replace(/^device#\d+\//, '')} ${formatBytes(o.buffers.liveBytes)}`).join(', ');
      console.log(`${name}: estimate ${estimate.total} B (${formatBytes(estimate.total)}), ledger peak ${peak} B, ` +
        `estimate / peak = ${(estimate.total / peak).toFixed(3)}; live: ${byOwner}`);
      expect(estimate.total).toBeGreaterThanOrEqual(peak);
      expect(estimate.total).toBeLessThanOrEqual(1.15 * peak);

      // Each owner within its own line of the estimate.
      const t = trainerAllocations(c, settings.batchSize, settings.blockSize, settings.gradAccumSteps);
      expect(t.weights + t.snapshots + t.plan + t.small).toBeGreaterThanOrEqual(trainer.gpu.buffers.liveBytes);
      expect(inferenceBytes(c, true)).toBeGreaterThanOrEqual(inference.gpu.buffers.liveBytes);
      expect(halfWeightsBytes(c)).toBeGreaterThanOrEqual(half.gpu.buffers.liveBytes);
      for (const d of decoders) expect(decoderBytes(c)).toBeGreaterThanOrEqual(d.gpu.buffers.liveBytes);
      expect(inspectorBytes(c)).toBeGreaterThanOrEqual(inspector.gpu.buffers.liveBytes);
      if (halfInference) expect(inferenceBytes(c, false)).toBeGreaterThanOrEqual(halfInference.gpu.buffers.liveBytes);

      for (const d of decoders) d.destroy();
      inspector.destroy();
      halfInference?.destroy();
      inference.destroy();
      half.destroy();
      trainer.destroy();
      for (const o of owners) expect(ledger.liveBytes(o.buffers.owner), o.buffers.owner).toBe(0);
      expect(ledger.liveBytes()).toBe(before);
    });
  }
});

describe('owners that rebuild', () => {
  it('a new gradient clip replaces the norm\'s uniform instead of adding one', async () => {
    const gpu = await getTestGpu();
    const c = CASES[0].config;
    const trainer = await Trainer.create(gpu, defaultKernelConfig(gpu), c, { ...DEFAULT_TRAIN, batchSize: 2, blockSize: 8, seed: 5 }, tokensFor(c));
    await trainer.trainStep();
    await trainer.flush();
    const live = trainer.gpu.buffers.liveBytes;
    for (const gradClip of [0.5, 0.25]) {
      trainer.update({ gradClip });
      await trainer.trainStep();
      await trainer.flush();
      expect(trainer.gpu.buffers.liveBytes).toBe(live);
    }
    trainer.destroy();
    expect(trainer.gpu.buffers.liveBytes).toBe(0);
  });

  it('an inference keeps at most its number of plans, dropping the oldest first', async () => {
    const gpu = await getTestGpu();
    const c = CASES[0].config;
    const trainer = await Trainer.create(gpu, defaultKernelConfig(gpu), c, { ...DEFAULT_TRAIN, batchSize: 2, blockSize: 8, seed: 5 }, tokensFor(c));
    const inference = new Inference(gpu, defaultKernelConfig(gpu), trainer.weights);
    const tokens = tokensFor(c);
    gpu.ledger.resetPeak();
    const base = gpu.ledger.liveBytes();
    for (const T of [8, 7, 6, 5, 4]) await inference.logits(tokens.slice(0, T));
    // Kept: lengths 6, 5 and 4; never more than three plans at once on the way.
    expect(gpu.ledger.peakBytes - base).toBeLessThanOrEqual(inferenceBytes(c, false));
    inference.destroy();
    trainer.destroy();
    expect(inference.gpu.buffers.liveBytes).toBe(0);
  });
});
