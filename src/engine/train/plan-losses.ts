// The mean loss of a plan's forward on each of a list of batches, for evaluation.
import type { Gpu } from '../gpu/device';
import { recordPass } from '../gpu/dispatch';
import type { GptPlan } from '../model/gpt';
import type { Batch } from './data';

/**
 * One submit per batch (its inputs are written just before, so each forward sees its own)
 * and one map for all their losses: the GPU is not awaited batch by batch.
 */
export async function planLosses(gpu: Gpu, plan: GptPlan, batches: readonly Batch[]): Promise<Float32Array> {
  const lossBuf = gpu.buffers.create({ label: 'eval losses', size: Math.max(4, 4 * batches.length), usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
  try {
    const meanLoss = plan.act('meanLoss');
    batches.forEach((b, i) => {
      plan.writeBatch(b.inputs, b.targets); // ordered before the submit that reads it
      const enc = gpu.device.createCommandEncoder({ label: `eval batch ${i}` });
      recordPass(enc, plan.forward);
      enc.copyBufferToBuffer(meanLoss.buffer, meanLoss.offset, lossBuf, 4 * i, 4);
      gpu.device.queue.submit([enc.finish()]);
    });
    await lossBuf.mapAsync(GPUMapMode.READ);
    return new Float32Array(lossBuf.getMappedRange().slice(0, 4 * batches.length));
  } finally {
    gpu.buffers.destroy(lossBuf);
  }
}
