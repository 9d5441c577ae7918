// The worker's device keeper, with stand-in devices: a lost device is replaced on the next
// request, the loss and uncaught errors reach the listeners, a failed open is tried again.
import { describe, expect, it } from 'vitest';
import { DeviceLostError, GpuOperationError } from '../engine/gpu/errors';
import type { WorkerDevice } from './device';
import { DeviceKeeper } from './device-keeper';

function fakeDevice(name: string) {
  let lose: (e: DeviceLostError) => void = () => {};
  let fail: (e: GpuOperationError) => void = () => {};
  const gpu = {
    name,
    lostError: null,
    device: { destroy: () => lose(new DeviceLostError('destroyed', 'Device was destroyed.')) },
    onLost: (f: typeof lose) => (lose = f),
    onUncapturedError: (f: typeof fail) => (fail = f),
  };
  return { device: { gpu } as unknown as WorkerDevice, lose: (e: DeviceLostError) => lose(e), fail: (e: GpuOperationError) => fail(e) };
}

describe('device keeper', () => {
  it('opens once, reports a loss, and opens a new device on the next request', async () => {
    const opened: ReturnType<typeof fakeDevice>[] = [];
    const log: string[] = [];
    const keeper = new DeviceKeeper(
      {
        lost: (gpu, e) => log.push(`lost ${(gpu as unknown as { name: string }).name}: ${e.reason}`),
        uncapturedError: (_gpu, e) => log.push(`error ${e.kind}`),
      },
      async () => {
        opened.push(fakeDevice(`device ${opened.length + 1}`));
        return opened.at(-1)!.device;
      },
    );
    const first = await keeper.get();
    expect(await keeper.get()).toBe(first);
    opened[0].fail(new GpuOperationError('validation', 'evaluation', 'bad'));
    expect(await keeper.destroyCurrent()).toBe(true);
    expect(keeper.losses).toBe(1);
    const second = await keeper.get();
    expect(second).not.toBe(first);
    expect(log).toEqual(['error validation', 'lost device 1: destroyed']);
  });

  it('tries again after a failed open', async () => {
    let calls = 0;
    const keeper = new DeviceKeeper({ lost: () => {}, uncapturedError: () => {} }, async () => {
      if (++calls === 1) throw new Error('no adapter');
      return fakeDevice('ok').device;
    });
    await expect(keeper.get()).rejects.toThrow('no adapter');
    await expect(keeper.get()).resolves.toBeTruthy();
    expect(calls).toBe(2);
    expect(await new DeviceKeeper({ lost: () => {}, uncapturedError: () => {} }).destroyCurrent()).toBe(false);
  });
});
