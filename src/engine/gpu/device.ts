// Acquiring a WebGPU device, with specific errors for each way that can fail, and the
// adapter's higher limits requested when it has them.
import { DeviceLostError, GpuUnavailableError } from './errors';
import { PipelineCache } from './pipelines';

/** Limits we raise to the adapter's maximum when it offers more than the default. */
const LIMITS_TO_RAISE = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBuffersPerShaderStage',
] as const;

/** Optional features we use when present. */
const OPTIONAL_FEATURES: GPUFeatureName[] = ['timestamp-query', 'shader-f16', 'subgroups' as GPUFeatureName];

export interface AdapterSummary {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** True when the browser says the adapter is a software or fallback one (SwiftShader). */
  isFallback: boolean;
  /** The smallest and largest subgroup sizes, when the browser reports them. */
  subgroupMinSize?: number;
  subgroupMaxSize?: number;
}

export function describeAdapter(info: AdapterSummary): string {
  const parts = [info.vendor, info.architecture, info.device, info.description].filter((s) => s);
  const name = parts.length ? parts.join(' / ') : 'unnamed adapter';
  return info.isFallback ? `${name} (software)` : name;
}

export interface AcquireOptions {
  powerPreference?: GPUPowerPreference;
  /** Overrides navigator.gpu, for tests of the error paths. */
  gpu?: GPU | undefined | null;
}

/**
 * A WebGPU device and what goes with it: its limits, features, the pipeline cache and a
 * promise that settles if the device is lost.
 */
export class Gpu {
  readonly pipelines: PipelineCache;
  /** Set once the device is lost; every later operation should refuse with it. */
  lostError: DeviceLostError | null = null;
  private lostListeners = new Set<(e: DeviceLostError) => void>();
  private dummies = new Map<string, GPUBuffer>();

  constructor(
    readonly device: GPUDevice,
    readonly adapter: AdapterSummary,
    readonly features: ReadonlySet<string>,
  ) {
    this.pipelines = new PipelineCache(device);
    device.lost.then((info) => {
      // A deliberate destroy() is not an error worth reporting to listeners.
      const err = new DeviceLostError(info.reason, info.message);
      this.lostError = err;
      if (info.reason !== 'destroyed') for (const f of this.lostListeners) f(err);
    });
  }

  get limits(): GPUSupportedLimits {
    return this.device.limits;
  }

  /** Called when the device is lost for any reason but our own destroy(). */
  onLost(listener: (e: DeviceLostError) => void): () => void {
    this.lostListeners.add(listener);
    return () => this.lostListeners.delete(listener);
  }

  /**
   * A small zero-filled storage buffer to bind where a kernel's optional input ('read') or
   * output ('read_write') is absent. Two distinct buffers: one dispatch may not bind the same
   * buffer both read-only and writable.
   */
  dummyBuffer(access: 'read' | 'read_write' = 'read'): GPUBuffer {
    let b = this.dummies.get(access);
    if (!b) {
      b = this.device.createBuffer({ label: `dummy ${access}`, size: 256, usage: GPUBufferUsage.STORAGE });
      this.dummies.set(access, b);
    }
    return b;
  }

  destroy(): void {
    this.device.destroy();
  }
}

export async function acquireGpu(opts: AcquireOptions = {}): Promise<Gpu> {
  const gpu = 'gpu' in opts ? opts.gpu : (globalThis.navigator as Navigator | undefined)?.gpu;
  if (!gpu) {
    throw new GpuUnavailableError(
      'no-webgpu',
      'This browser does not expose WebGPU (navigator.gpu is missing). Use a recent Chrome, Edge or ' +
        'Safari, or Firefox with WebGPU enabled; on Linux Chrome needs --enable-unsafe-webgpu.',
    );
  }
  let adapter: GPUAdapter | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: opts.powerPreference ?? 'high-performance' });
  } catch (e) {
    throw new GpuUnavailableError('no-adapter', `requestAdapter() failed: ${String(e)}`);
  }
  if (!adapter) {
    throw new GpuUnavailableError(
      'no-adapter',
      'WebGPU is present but no GPU adapter was offered: the GPU or its driver may be blocklisted, ' +
        'or hardware acceleration is turned off in the browser settings.',
    );
  }
  const requiredLimits: Record<string, number> = {};
  for (const name of LIMITS_TO_RAISE) {
    const v = adapter.limits[name];
    if (typeof v === 'number') requiredLimits[name] = v;
  }
  const requiredFeatures = OPTIONAL_FEATURES.filter((f) => adapter.features.has(f));
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({ requiredLimits, requiredFeatures, label: 'gpt-playground' });
  } catch (e) {
    throw new GpuUnavailableError('device-request-failed', `requestDevice() failed: ${String(e)}`);
  }
  const info = adapter.info;
  const summary: AdapterSummary = {
    vendor: info?.vendor ?? '',
    architecture: info?.architecture ?? '',
    device: info?.device ?? '',
    description: info?.description ?? '',
    isFallback: Boolean((info as { isFallbackAdapter?: boolean } | undefined)?.isFallbackAdapter),
    ...subgroupSizes(info),
  };
  return new Gpu(device, summary, new Set(device.features as unknown as Iterable<string>));
}

function subgroupSizes(info: GPUAdapterInfo | undefined): Pick<AdapterSummary, 'subgroupMinSize' | 'subgroupMaxSize'> {
  const i = info as { subgroupMinSize?: unknown; subgroupMaxSize?: unknown } | undefined;
  const ok = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x > 0;
  return ok(i?.subgroupMinSize) && ok(i?.subgroupMaxSize) ? { subgroupMinSize: i.subgroupMinSize, subgroupMaxSize: i.subgroupMaxSize } : {};
}
