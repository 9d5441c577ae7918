// With gradient accumulation one step runs k micro-batches inside one command buffer, but
// queue.writeBuffer lands before the whole submit: writing k batches into the plan's input
// tensors would leave only the last. So each micro-batch is written to its own slot of a
// staging buffer and copied into the inputs inside the encoder, right before its pass.
import type { Gpu } from '../gpu/device';
import type { GptPlan } from '../model/gpt';
import { buildTokenBuckets } from '../kernels/buckets';
import { byteSize, type Tensor } from '../gpu/tensor';
import { BATCH_INPUTS } from '../../core/activations';
import type { Batch } from './data';

export class BatchStaging {
  private readonly buffer: GPUBuffer;
  private readonly targets: Tensor[];
  private readonly slotBytes: number;
  private readonly offsets: number[] = [];

  constructor(
    private readonly gpu: Gpu,
    private readonly plan: GptPlan,
    slots: number,
  ) {
    this.targets = BATCH_INPUTS.map((n) => plan.act(n));
    let off = 0;
    for (const t of this.targets) {
      this.offsets.push(off);
      off += Math.ceil(byteSize(t) / 4) * 4;
    }
    this.slotBytes = off;
    this.buffer = gpu.buffers.create({ label: 'batch staging', size: off * slots, usage: GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
  }

  write(slot: number, batch: Batch): void {
    const b = buildTokenBuckets(batch.inputs, this.plan.weights.config.vocabSize);
    const data = [batch.inputs, batch.targets, b.offsets, b.positions];
    data.forEach((d, i) => this.gpu.device.queue.writeBuffer(this.buffer, slot * this.slotBytes + this.offsets[i], d.buffer, d.byteOffset, d.byteLength));
  }

  encodeLoad(enc: GPUCommandEncoder, slot: number): void {
    this.targets.forEach((t, i) => enc.copyBufferToBuffer(this.buffer, slot * this.slotBytes + this.offsets[i], t.buffer, t.offset, byteSize(t)));
  }

  destroy(): void {
    this.gpu.buffers.destroy(this.buffer);
  }
}
