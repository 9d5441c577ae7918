// Time to the first step, as a user meets it: from pressing Train with no model built (the
// trainer created: shader compiles, buffers, weights uploaded) to the first step's loss read
// back. Measured on a device that has compiled nothing yet, then again on the same device
// (a rebuild with the same shapes: pipelines come from its cache); and on another fresh
// device that builds its pipelines one at a time, as they were built before they were
// requested side by side (the before of the parallel builds).
import { acquireGpu } from '../../engine/gpu/device';
import { defaultKernelConfig } from '../../engine/tune/defaults';
import { DEFAULT_TRAIN, type TrainSettings } from '../../core/settings';
import { Trainer } from '../../engine/train/trainer';
import { configOf, sizeLabel, syntheticTokens } from '../../engine/bench/training';
import type { FirstStepResult, TrainSize } from './types';

export async function benchFirstStep(size: TrainSize): Promise<FirstStepResult> {
  const parallel = await onFreshDevice(size, false);
  const serial = await onFreshDevice(size, true);
  return { ...parallel, serialFirstStepMs: serial.firstStepMs };
}

async function onFreshDevice(size: TrainSize, serialPipelines: boolean): Promise<Omit<FirstStepResult, 'serialFirstStepMs'>> {
  const gpu = await acquireGpu({ serialPipelines }); // its own device: nothing compiled on it yet
  try {
    const kernelConfig = defaultKernelConfig(gpu);
    const settings: TrainSettings = { ...DEFAULT_TRAIN, batchSize: size.batchSize, blockSize: size.blockSize, warmupSteps: 0, maxSteps: 10, evalEvery: 0 };
    const tokens = syntheticTokens(20_000 + 10 * size.blockSize);
    const once = async () => {
      const t0 = performance.now();
      let loss = NaN;
      const trainer = await Trainer.create(gpu, kernelConfig, configOf(size), settings, tokens, { events: { onStep: (r) => (loss = r.loss) } });
      try {
        await trainer.trainStep();
        await trainer.flush();
        if (!Number.isFinite(loss)) throw new Error(`the first step's loss came back as ${loss}`);
        return { ms: performance.now() - t0, pipelines: gpu.pipelines.size };
      } finally {
        trainer.destroy();
      }
    };
    const first = await once();
    const again = await once();
    return { model: sizeLabel(size), firstStepMs: first.ms, rebuildMs: again.ms, pipelines: first.pipelines };
  } finally {
    gpu.destroy();
  }
}
