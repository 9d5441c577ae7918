// GPU errors on a real device: the three scopes around a submission catch a refused command
// with its kind and the browser's message, and the device's uncapturederror event reaches the
// listeners when no scope is open.
import { describe, expect, it } from 'vitest';
import { acquireGpu } from './device';
import { openErrorScopes } from './error-scopes';
import type { GpuOperationError } from './errors';

/** Copies a buffer onto itself: refused by validation ("Source and destination are the same buffer"). */
function submitBadCopy(device: GPUDevice, buffer: GPUBuffer): void {
  const enc = device.createCommandEncoder({ label: 'bad copy' });
  enc.copyBufferToBuffer(buffer, 0, buffer, 0, 4);
  device.queue.submit([enc.finish()]);
}

describe('GPU errors', () => {
  it('are caught by the scopes of the work that made them, and heard when uncaught', async () => {
    const gpu = await acquireGpu();
    try {
      const uncaught: GpuOperationError[] = [];
      gpu.onUncapturedError((e) => uncaught.push(e));
      const buffer = gpu.device.createBuffer({ size: 16, usage: GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });

      const scopes = openErrorScopes(gpu.device, 'a bad copy');
      submitBadCopy(gpu.device, buffer);
      const caught = await scopes.close();
      expect(caught).toMatchObject({ name: 'GpuOperationError', kind: 'validation', during: 'a bad copy' });
      expect(caught!.message).toMatch(/^validation error during a bad copy: .*same buffer/);

      const clean = openErrorScopes(gpu.device, 'a clear');
      const enc = gpu.device.createCommandEncoder();
      enc.clearBuffer(buffer);
      gpu.device.queue.submit([enc.finish()]);
      expect(await clean.close()).toBeNull();

      submitBadCopy(gpu.device, buffer);
      await gpu.device.queue.onSubmittedWorkDone();
      await new Promise((r) => setTimeout(r, 50));
      expect(uncaught.length).toBeGreaterThan(0);
      expect(uncaught[0]).toMatchObject({ kind: 'validation', during: 'GPU work outside an error scope' });
    } finally {
      gpu.destroy();
    }
  });

  it('a lost device is heard by its listeners, unless its owner destroyed it', async () => {
    const lostUnder = await acquireGpu();
    const heard: string[] = [];
    lostUnder.onLost((e) => heard.push(e.reason));
    lostUnder.device.destroy(); // as a driver reset would: the owner did not let it go
    await lostUnder.lost;
    expect(heard).toEqual(['destroyed']);

    const released = await acquireGpu();
    released.onLost((e) => heard.push(`released ${e.reason}`));
    released.destroy();
    expect((await released.lost).reason).toBe('destroyed');
    expect(heard).toEqual(['destroyed']);
  });
});
