// The worker's GPU device: opened on first use, and again after a loss. Each device it opens
// reports its loss (for any reason, a destroy() by someone else included) and the GPU errors
// no scope caught to the listeners given here.
import type { Gpu } from '../engine/gpu/device';
import type { DeviceLostError, GpuOperationError } from '../engine/gpu/errors';
import { WorkerDevice } from './device';

export interface DeviceListeners {
  lost(gpu: Gpu, error: DeviceLostError): void;
  uncapturedError(gpu: Gpu, error: GpuOperationError): void;
}

export class DeviceKeeper {
  private current: Promise<WorkerDevice> | null = null;
  private lossCount = 0;

  constructor(
    private readonly listeners: DeviceListeners,
    private readonly open: () => Promise<WorkerDevice> = () => WorkerDevice.open(),
  ) {}

  /** The current device, opened if there is none (at first, or since the last one was lost). */
  get(): Promise<WorkerDevice> {
    if (this.current) return this.current;
    const opening = this.open();
    this.current = opening;
    opening.then(
      (d) => {
        d.gpu.onUncapturedError((e) => this.listeners.uncapturedError(d.gpu, e));
        const lost = (e: DeviceLostError) => {
          this.lossCount++;
          if (this.current === opening) this.current = null; // the next get() opens a new device
          this.listeners.lost(d.gpu, e);
        };
        if (d.gpu.lostError) lost(d.gpu.lostError); // lost before anyone listened
        else d.gpu.onLost(lost);
      },
      () => {
        if (this.current === opening) this.current = null; // the next get() tries again
      },
    );
    return opening;
  }

  /** Devices lost so far: a request that saw this change failed because of a loss. */
  get losses(): number {
    return this.lossCount;
  }

  /**
   * For tests: destroys the current device the way a driver reset loses it (its owner did not
   * let it go, so the loss is reported and recovered from). False when there is no device.
   */
  async destroyCurrent(): Promise<boolean> {
    const d = await this.current?.catch(() => null);
    if (!d) return false;
    d.gpu.device.destroy();
    return true;
  }
}
