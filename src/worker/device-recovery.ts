// What the worker does when its GPU device is lost (for any reason, a destroy() included).
// The model that lived there stops, paused, and keeps its last good state on the CPU: GPU
// buffers die with the device. Then, a bounded number of times a minute, the model is built
// again from that state on a new device, and the run continues from there when Train is
// pressed: a lost device never silently starts a new model. Past the budget, or when no new
// device opens, it says what to do instead, and Train tries once more.
import type { Gpu } from '../engine/gpu/device';
import type { DeviceLostError } from '../engine/gpu/errors';
import type { TrainingState } from '../engine/train/cpu-copy';
import type { Event } from '../core/protocol';
import type { GpuBackend, ModelBackend } from './backends';
import { toWireError } from './errors';
import { deviceResetMessage, gaveUpMessage } from './fault-messages';
import { RecoveryBudget } from './recovery-budget';

/** Tries at opening a new device and building the model on it, per loss. */
const BUILD_ATTEMPTS = 3;

/** What the recovery needs of the session. */
export interface RecoveryHost {
  /** The GPU model, if it lives on `device`. */
  modelOn(device: GPUDevice): GpuBackend | null;
  /** Stops a running loop without a message and waits for it to end. */
  stopLoop(): Promise<void>;
  /** Takes the model away (its device is gone) or puts the rebuilt one in its place. */
  setModel(model: ModelBackend | null): void;
  /** Opens a device if needed and builds the model on it from `state`. */
  build(state: TrainingState): Promise<ModelBackend>;
  /** Opens a device if there is none (to tell the page the GPU works again). */
  openDevice(): Promise<unknown>;
  /** Says the run is paused, at the model's step, with `message`. */
  pause(message: string): void;
  emit(e: Event): void;
}

/** Whether `gpu` is lost, or is within `ms`: a failed readback often comes just before the loss is announced. */
export function lostWithin(gpu: Gpu, ms: number): Promise<boolean> {
  if (gpu.lostError) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    void gpu.lost.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

export class DeviceRecovery {
  /** A model whose device was lost: its last good state, until it is built on a new device. */
  private kept: { state: TrainingState; restoring: Promise<number> | null } | null = null;

  constructor(
    private readonly host: RecoveryHost,
    private readonly budget = new RecoveryBudget(),
  ) {}

  /** The state of a model waiting for a new device, or null. */
  get keptState(): TrainingState | null {
    return this.kept?.state ?? null;
  }

  /** Why there is no model right now, when a lost one is waiting; else null. */
  get waitingMessage(): string | null {
    if (!this.kept) return null;
    return this.kept.restoring
      ? 'The GPU was reset and the model is being restored on a new device: try again in a moment.'
      : 'The GPU was lost: press Train to restore the model on a new device, or reload the page.';
  }

  /** A new model replaces whatever was kept. */
  forget(): void {
    this.kept = null;
  }

  /** Resolves when a restore under way has ended, either way (its failure is reported where it started). */
  async settled(): Promise<void> {
    await this.kept?.restoring?.catch(() => undefined);
  }

  /**
   * The device `lost` is gone: stops and keeps the model that lived on it, then, within the
   * budget, opens a new device and builds the model there. Each stage is an event
   * ('device-lost', 'device-restored') and the run's state says the step. Never throws.
   */
  async deviceLost(lost: Gpu, error: DeviceLostError): Promise<void> {
    const recovering = this.budget.take();
    const model = this.host.modelOn(lost.device);
    // Taken now, before anything can change it, so that the step announced is the one restored.
    const state = model?.lastGoodOnCpu ?? this.kept?.state ?? null;
    // The loop is stopped before the page hears of the loss: a step it reports on its way out
    // would otherwise move the step shown forward again after the page went back to `state`.
    if (model && state) await this.host.stopLoop();
    if (recovering) this.host.emit({ type: 'device-lost', error: toWireError(error), recovery: 'restoring', step: state?.step ?? null });
    if (model && state) {
      this.kept = { state, restoring: null };
      this.host.setModel(null);
      model.destroy();
      // Said at once: rebuilding on a new device compiles every kernel again, which takes seconds.
      if (recovering) this.host.pause(`The GPU device was lost; the run is being restored from step ${this.kept.state.step} on a new device…`);
    }
    if (!recovering) {
      const losses = this.budget.recent + 1;
      return this.giveUp(error, `The GPU was lost ${losses} ${losses === 1 ? 'time' : 'times'} within a minute, so the playground stopped asking for a new device.`);
    }
    try {
      if (this.kept) await this.restore();
      else {
        await this.host.openDevice();
        this.host.emit({ type: 'device-restored', step: null });
      }
    } catch (e) {
      this.giveUp(error, `No new GPU device could be opened: ${e instanceof Error ? e.message : String(e)}.`);
    }
  }

  /**
   * Builds the kept model on a new device, paused at its last good step, and says so; returns
   * that step. Also what Train does after the worker gave up.
   */
  restore(): Promise<number> {
    const kept = this.kept;
    if (!kept) return Promise.reject(new Error('no model is waiting for a new device'));
    kept.restoring ??= this.buildWithRetries(kept.state).then(
      (model) => {
        if (this.kept !== kept) {
          model.destroy(); // a new model was created meanwhile: it stays
          return model.step;
        }
        this.kept = null;
        this.host.setModel(model);
        this.host.pause(deviceResetMessage(model.step));
        this.host.emit({ type: 'device-restored', step: model.step });
        return model.step;
      },
      (e: unknown) => {
        kept.restoring = null; // Train tries again
        throw e;
      },
    );
    return kept.restoring;
  }

  private async buildWithRetries(state: TrainingState): Promise<ModelBackend> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.host.build(state);
      } catch (e) {
        if (attempt >= BUILD_ATTEMPTS) throw e;
        await new Promise((r) => setTimeout(r, 500 * attempt));
      }
    }
  }

  private giveUp(error: DeviceLostError, reason: string): void {
    const message = gaveUpMessage(reason, this.kept?.state.step ?? null);
    this.host.emit({ type: 'device-lost', error: { ...toWireError(error), message }, recovery: 'gave-up', step: this.kept?.state.step ?? null });
    if (this.kept) this.host.pause(message);
  }
}
