// Sampling speed: greedy generation of `tokens` tokens from a short prompt with the KV cache
// (Decoder: the prompt once, then one position per token) against re-running the whole
// context for every token (RerunSource over Inference.logits). One untimed generation of
// each first, so pipelines are built, then `rounds` timed ones of each in alternation, the
// fastest kept. The rerun source still builds a plan for each new length (Inference keeps
// the last few), as it does in the app.
import type { Gpu } from '../../engine/gpu/device';
import type { KernelConfig } from '../../engine/kernels/config';
import type { GPTConfig } from '../../core/config';
import { Decoder } from '../../engine/sample/decoder';
import { generate, RerunSource, type LogitsSource } from '../../engine/sample/generate';
import { Inference } from '../../engine/sample/inference';
import { initWeights } from './inference';
import { syntheticTokens } from '../../engine/bench/training';
import { median } from '../../engine/bench/stats';
import { ratio } from './stats';
import type { SamplingResult } from './types';

interface Timed {
  ms: number;
  ids: number[];
  /** Median time of one next() call: one appended token, logits read back. */
  nextMs: number;
}

async function timeGeneration(src: LogitsSource, prompt: Uint32Array, tokens: number): Promise<Timed> {
  const ids: number[] = [];
  const nexts: number[] = [];
  const timed: LogitsSource = {
    blockSize: src.blockSize,
    prefill: (context) => src.prefill(context),
    next: async (token) => {
      const t = performance.now();
      const out = await src.next(token);
      nexts.push(performance.now() - t);
      return out;
    },
  };
  const t0 = performance.now();
  for await (const t of generate(timed, prompt, { maxTokens: tokens, seed: 1, greedy: true, temperature: 1, topK: 0, topP: 1 })) ids.push(t.token);
  return { ms: performance.now() - t0, ids, nextMs: median(nexts) };
}

export async function benchSampling(gpu: Gpu, kernelConfig: KernelConfig, model: string, config: GPTConfig, prompt: Uint32Array, tokens: number, rounds = 2): Promise<SamplingResult> {
  const { weights } = initWeights(gpu, config);
  const inference = new Inference(gpu, kernelConfig, weights);
  let decoder: Decoder | null = null;
  try {
    decoder = await Decoder.build(gpu, kernelConfig, weights);
    const rerun = new RerunSource(config.blockSize, config.vocabSize, (ctx) => inference.logits(ctx));
    await timeGeneration(decoder, prompt, tokens);
    await timeGeneration(rerun, prompt, tokens);
    // Alternating rounds, the faster of each kept: other load on the machine hits both alike.
    let kv = await timeGeneration(decoder, prompt, tokens);
    let re = await timeGeneration(rerun, prompt, tokens);
    for (let i = 1; i < rounds; i++) {
      const k = await timeGeneration(decoder, prompt, tokens);
      if (k.ms < kv.ms) kv = k;
      const r = await timeGeneration(rerun, prompt, tokens);
      if (r.ms < re.ms) re = r;
    }
    // One more token at the last position, after a prompt filling the rest of the block.
    await decoder.prefill(syntheticTokens(config.blockSize - 1, 3));
    const profile = await decoder.profileNext(kv.ids[0] ?? 0);
    const kvTokensPerSec = (tokens * 1000) / kv.ms;
    const rerunTokensPerSec = (tokens * 1000) / re.ms;
    return {
      model,
      tokens,
      promptLength: prompt.length,
      kvTokensPerSec,
      rerunTokensPerSec,
      kvNextMs: kv.nextMs,
      rerunNextMs: re.nextMs,
      kvVsRerun: ratio(kvTokensPerSec, rerunTokensPerSec) ?? NaN,
      profile,
      sameTokens: kv.ids.length === re.ids.length && kv.ids.every((t, i) => t === re.ids[i]),
    };
  } finally {
    decoder?.destroy();
    inference.destroy();
    weights.destroy();
  }
}
