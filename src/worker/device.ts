// The worker's GPU and the kernel configuration its plans are built with: chosen once per
// device, the default for its adapter at once, then on a GPU the matmul tile measured in the
// background. A lost device is replaced by a new WorkerDevice, which chooses afresh.
import { acquireGpu, type Gpu } from '../engine/gpu/device';
import type { KernelConfig } from '../engine/kernels/config';
import { defaultKernelConfig } from '../engine/tune/defaults';
import { tuneKernelConfig } from '../engine/tune/tune';

export class WorkerDevice {
  private config: KernelConfig;

  private constructor(readonly gpu: Gpu) {
    this.config = defaultKernelConfig(gpu);
  }

  static async open(): Promise<WorkerDevice> {
    const d = new WorkerDevice(await acquireGpu());
    // The tuned configuration differs only in the matmul tile, and every tile gives the same
    // results: plans built before tuning finishes are only slower, never different. On a
    // software adapter compiling the candidates takes seconds and they measure alike.
    if (!d.gpu.adapter.isFallback) {
      tuneKernelConfig(d.gpu, d.config).then(
        (tuned) => (d.config = tuned.config),
        () => {}, // keep the default
      );
    }
    return d;
  }

  /** The configuration for plans built now (each plan keeps the one it was built with). */
  get kernelConfig(): KernelConfig {
    return this.config;
  }
}
