// Counts what a piece of code sends to the GPU: queue submits (by wrapping this device's
// queue.submit) and recorded dispatches (by wrapping GPUComputePassEncoder's
// dispatchWorkgroups on its prototype). The wrappers are removed again by stop().
import type { Gpu } from './device';

export interface GpuCounts {
  submits: number;
  dispatches: number;
}

export function countGpuCalls(gpu: Gpu): { counts: GpuCounts; stop: () => void } {
  const counts: GpuCounts = { submits: 0, dispatches: 0 };
  const queue = gpu.device.queue;
  const submit = queue.submit;
  queue.submit = function (buffers: Iterable<GPUCommandBuffer>): undefined {
    counts.submits++;
    return submit.call(this, buffers);
  };
  const proto = GPUComputePassEncoder.prototype;
  const dispatch = proto.dispatchWorkgroups;
  proto.dispatchWorkgroups = function (this: GPUComputePassEncoder, x: number, y?: number, z?: number): undefined {
    counts.dispatches++;
    return dispatch.call(this, x, y, z);
  };
  return {
    counts,
    stop: () => {
      // The instance property shadowed the prototype's submit; deleting it restores that.
      delete (queue as { submit?: unknown }).submit;
      if (queue.submit !== submit) queue.submit = submit;
      proto.dispatchWorkgroups = dispatch;
    },
  };
}
