// A full-sequence forward (B = 1, T = block size) of one model through our engine
// (Inference.logits: record, submit, read the (T, V) logits back) and through
// onnxruntime-web's webgpu EP on the ONNX export of the same weights (one session, created
// once; session.run returns the logits on the CPU, so both include a readback). Each side is
// run once untimed first (our plan and pipelines; ORT's kernels), then they are timed in
// alternation so that a change in machine load hits both alike.
import type { Gpu } from '../../engine/gpu/device';
import type { KernelConfig } from '../../engine/kernels/config';
import { exportOnnx } from '../../engine/codecs/onnx';
import { loadOrt } from '../../worker/ort';
import type { GPTConfig } from '../../core/config';
import { initParams } from '../../core/params';
import { ModelWeights } from '../../engine/model/weights';
import { Inference } from '../../engine/sample/inference';
import { HalfWeights } from '../../engine/model/half-weights';
import { median } from '../../engine/bench/stats';
import { maxAbsDiff, ratio } from './stats';
import type { InferenceResult } from './types';

/** The model with N(0, 0.02) weights on the GPU, and the same flat parameters on the CPU. */
export function initWeights(gpu: Gpu, config: GPTConfig, seed = 1337): { weights: ModelWeights; params: Float32Array } {
  const weights = new ModelWeights(gpu, config);
  const params = initParams(config, weights.layout, seed);
  weights.write('params', params);
  return { weights, params };
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export async function benchInference(gpu: Gpu, kernelConfig: KernelConfig, model: string, config: GPTConfig, tokens: Uint32Array, runs: number): Promise<InferenceResult> {
  const T = tokens.length;
  const { weights, params } = initWeights(gpu, config);
  const inference = new Inference(gpu, kernelConfig, weights);
  const half = await HalfWeights.create(gpu, weights);
  const inferenceHalf = new Inference(gpu, kernelConfig, weights, { half });
  try {
    const ours = await inference.logits(tokens); // builds the plan: not timed
    const oursHalf = await inferenceHalf.logits(tokens);

    let run: (() => Promise<Float32Array>) | null = null;
    let release = async () => {};
    let ortError: string | undefined;
    try {
      const ort = await loadOrt();
      const session = await ort.InferenceSession.create(exportOnnx(config, params), { executionProviders: ['webgpu'], logSeverityLevel: 3 });
      release = () => session.release();
      const input = new ort.Tensor('int64', BigInt64Array.from(tokens, (id) => BigInt(id)), [1, T]);
      run = async () => {
        const out = await session.run({ input_ids: input });
        return out.logits.data as Float32Array;
      };
    } catch (e) {
      ortError = message(e);
    }

    let theirs: Float32Array | null = null;
    if (run) {
      try {
        theirs = Float32Array.from(await run()); // first run: ORT compiles its kernels
      } catch (e) {
        ortError = message(e);
        run = null;
      }
    }
    const oursMs: number[] = [];
    const halfMs: number[] = [];
    const ortMs: number[] = [];
    for (let i = 0; i < runs; i++) {
      let t0 = performance.now();
      await inference.logits(tokens);
      oursMs.push(performance.now() - t0);
      t0 = performance.now();
      await inferenceHalf.logits(tokens);
      halfMs.push(performance.now() - t0);
      if (run) {
        t0 = performance.now();
        await run();
        ortMs.push(performance.now() - t0);
      }
    }
    await release();
    const o = median(oursMs);
    const r = run ? median(ortMs) : null;
    return {
      model,
      T,
      oursMs: o,
      ortMs: r,
      forwardVsOrt: ratio(r, o),
      oursHalfMs: median(halfMs),
      halfMaxAbsDiff: maxAbsDiff(ours, oursHalf),
      maxAbsDiff: theirs ? maxAbsDiff(ours, theirs) : null,
      runs,
      ...(ortError ? { ortError } : {}),
    };
  } finally {
    inference.destroy();
    inferenceHalf.destroy();
    half.destroy();
    weights.destroy();
  }
}
