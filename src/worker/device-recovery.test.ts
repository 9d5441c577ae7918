// The device-loss recovery's decisions, with a stand-in session: what is kept, what is said and
// in which order, when it gives up. The real loss, on a real device through the worker, is in
// device-loss.gpu.test.ts.
import { describe, expect, it } from 'vitest';
import type { Gpu } from '../engine/gpu/device';
import { DeviceLostError } from '../engine/gpu/errors';
import type { TrainingState } from '../engine/train/cpu-copy';
import type { Event } from '../core/protocol';
import type { GpuBackend, ModelBackend } from './backends';
import { DeviceRecovery } from './device-recovery';
import { RecoveryBudget } from './recovery-budget';

const saved: TrainingState = { step: 40, params: Float32Array.of(1), m: Float32Array.of(2), v: Float32Array.of(3) };
const lostGpu = { device: {} } as unknown as Gpu;
const destroyed = new DeviceLostError('destroyed', 'Device was destroyed.');

function setup(opts: { modelOnLostDevice?: boolean; buildFails?: number; budget?: RecoveryBudget; buildGate?: Promise<void> } = {}) {
  const log: string[] = [];
  const events: Event[] = [];
  let model: unknown = opts.modelOnLostDevice === false ? null : { lastGoodOnCpu: saved, destroy: () => log.push('destroy old model') };
  let failures = opts.buildFails ?? 0;
  const recovery = new DeviceRecovery(
    {
      modelOn: () => model as GpuBackend | null,
      stopLoop: async () => void log.push('stop loop'),
      setModel: (m) => {
        model = m;
        log.push(m ? `model at step ${m.step}` : 'no model');
      },
      build: async (state) => {
        await opts.buildGate;
        if (failures-- > 0) throw new Error('requestDevice() failed');
        return { step: state.step, destroy: () => void log.push('destroy rebuilt model') } as unknown as ModelBackend;
      },
      openDevice: async () => void log.push('open device'),
      pause: (message) => log.push(`paused: ${message}`),
      emit: (e) => {
        events.push(e);
        log.push(`event ${e.type}${e.type === 'device-lost' ? ` ${e.recovery}` : ''}${e.type === 'device-restored' ? ` ${e.step}` : ''}`);
      },
    },
    opts.budget,
  );
  return { recovery, log, events };
}

describe('device-loss recovery', () => {
  it('keeps the model that lived on the lost device and builds it again, paused, at its last good step', async () => {
    const { recovery, log } = setup();
    await recovery.deviceLost(lostGpu, destroyed);
    // The loop stops before the page hears: no step it reports can follow the page's rewind.
    expect(log).toEqual([
      'stop loop',
      'event device-lost restoring',
      'no model',
      'destroy old model',
      'paused: The GPU device was lost; the run is being restored from step 40 on a new device…',
      'model at step 40',
      'paused: The GPU was reset; restored step 40. Press Train to continue the run.',
      'event device-restored 40',
    ]);
    expect(recovery.keptState).toBeNull();
  });

  it('without a model on that device it only opens a new device', async () => {
    const { recovery, log } = setup({ modelOnLostDevice: false });
    await recovery.deviceLost(lostGpu, destroyed);
    expect(log).toEqual(['event device-lost restoring', 'open device', 'event device-restored null']);
  });

  it('gives up past its budget, keeps the run, and Train restores it', async () => {
    const { recovery, log, events } = setup({ budget: new RecoveryBudget(0) });
    await recovery.deviceLost(lostGpu, destroyed);
    const gaveUp = events.find((e) => e.type === 'device-lost');
    expect(gaveUp).toMatchObject({ recovery: 'gave-up', error: { name: 'DeviceLostError', code: 'destroyed' } });
    const message = gaveUp?.type === 'device-lost' ? gaveUp.error.message : '';
    expect(message).toMatch(/lost 1 time within a minute/);
    expect(message).toMatch(/kept at step 40: press Train to try once more, or reload the page/);
    expect(message).toMatch(/close other tabs/);
    expect(log.at(-1)).toBe(`paused: ${message}`);
    expect(recovery.keptState?.step).toBe(40);
    expect(recovery.waitingMessage).toMatch(/press Train to restore/);
    expect(await recovery.restore()).toBe(40);
    expect(log.at(-1)).toBe('event device-restored 40');
  });

  it('a model created while the lost one was being rebuilt stays', async () => {
    let open = () => {};
    const { recovery, log } = setup({ buildGate: new Promise<void>((r) => (open = r)) });
    const done = recovery.deviceLost(lostGpu, destroyed);
    await new Promise((r) => setTimeout(r, 0));
    recovery.forget(); // the user built a new model meanwhile
    open();
    await done;
    expect(log.slice(-2)).toEqual(['paused: The GPU device was lost; the run is being restored from step 40 on a new device…', 'destroy rebuilt model']);
  });

  it('retries a failed build, and gives up after three', async () => {
    const once = setup({ buildFails: 1 });
    await once.recovery.deviceLost(lostGpu, destroyed);
    expect(once.log.at(-1)).toBe('event device-restored 40');

    const always = setup({ buildFails: 3 });
    await always.recovery.deviceLost(lostGpu, destroyed);
    const last = always.events.at(-1);
    expect(last).toMatchObject({ type: 'device-lost', recovery: 'gave-up' });
    expect(last?.type === 'device-lost' && last.error.message).toMatch(/^No new GPU device could be opened: requestDevice\(\) failed\./);
    expect(always.recovery.keptState?.step).toBe(40);
  }, 10_000);
});
