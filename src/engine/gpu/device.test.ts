// The ways acquiring a device fails, each with its own error. A stand-in navigator.gpu is
// used only to reach the failure paths; the success path runs on a real device in the GPU tests.
import { describe, expect, it } from 'vitest';
import { acquireGpu, describeAdapter } from './device';
import { GpuUnavailableError } from './errors';

describe('acquireGpu failures', () => {
  it('no navigator.gpu → no-webgpu', async () => {
    const err = await acquireGpu({ gpu: undefined }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GpuUnavailableError);
    expect((err as GpuUnavailableError).reason).toBe('no-webgpu');
    expect((err as Error).message).toMatch(/navigator\.gpu is missing/);
  });

  it('requestAdapter() gives null → no-adapter', async () => {
    const gpu = { requestAdapter: async () => null } as unknown as GPU;
    const err = await acquireGpu({ gpu }).catch((e: unknown) => e);
    expect((err as GpuUnavailableError).reason).toBe('no-adapter');
    expect((err as Error).message).toMatch(/no GPU adapter/);
  });

  it('requestDevice() rejects → device-request-failed', async () => {
    const adapter = {
      limits: { maxBufferSize: 1 << 28 },
      features: new Set<string>(),
      info: { vendor: 'x', architecture: '', device: '', description: '' },
      requestDevice: async () => {
        throw new Error('out of memory');
      },
    };
    const gpu = { requestAdapter: async () => adapter } as unknown as GPU;
    const err = await acquireGpu({ gpu }).catch((e: unknown) => e);
    expect((err as GpuUnavailableError).reason).toBe('device-request-failed');
    expect((err as Error).message).toMatch(/out of memory/);
  });
});

describe('acquireGpu limits', () => {
  it('asks for the adapter\'s largest buffer and storage binding, not the defaults', async () => {
    let asked: GPUDeviceDescriptor | undefined;
    const adapter = {
      limits: { maxBufferSize: 2 ** 32, maxStorageBufferBindingSize: 2 ** 31, maxComputeWorkgroupStorageSize: 32768 },
      features: new Set<string>(),
      info: { vendor: 'x', architecture: '', device: '', description: '' },
      requestDevice: async (d: GPUDeviceDescriptor) => {
        asked = d;
        throw new Error('stop here: the request is what is tested');
      },
    };
    await acquireGpu({ gpu: { requestAdapter: async () => adapter } as unknown as GPU }).catch(() => undefined);
    expect(asked?.requiredLimits).toMatchObject({ maxBufferSize: 2 ** 32, maxStorageBufferBindingSize: 2 ** 31 });
  });
});

describe('describeAdapter', () => {
  it('joins the known parts and marks software adapters', () => {
    expect(describeAdapter({ vendor: 'google', architecture: 'swiftshader', device: '', description: '', isFallback: true })).toBe(
      'google / swiftshader (software)',
    );
    expect(describeAdapter({ vendor: '', architecture: '', device: '', description: '', isFallback: false })).toBe('unnamed adapter');
  });
});
