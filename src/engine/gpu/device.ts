// Acquiring a WebGPU device, with specific errors for each way that can fail, and the
// adapter's higher limits requested when it has them.
import { DeviceLostError, GpuOperationError, GpuUnavailableError, gpuErrorKind } from './errors';
import { BufferLedger, type LedgerScope } from './ledger';
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
  /** Build pipelines one at a time (PipelineCache's `serial`): the benchmark's "before". */
  serialPipelines?: boolean;
}

/**
 * A WebGPU device and what goes with it: its limits, features, the pipeline cache, the loss
 * of the device and the GPU errors nobody caught in a scope.
 */
export class Gpu {
  readonly pipelines: PipelineCache;
  /** Every buffer made on this device, with its owner (see scope()). */
  readonly ledger: BufferLedger;
  /**
   * Where buffers made through this object are charged: the device's own scope, or on a view
   * made by scope(), that owner's.
   */
  readonly buffers: LedgerScope;
  /** The device's own scope, for what lives as long as the device (the dummy buffers). */
  private readonly deviceBuffers: LedgerScope;
  /** Set once the device is lost; every later operation should refuse with it. */
  lostError: DeviceLostError | null = null;
  /** Resolves when the device is lost, for any reason (our own destroy() included). */
  readonly lost: Promise<DeviceLostError>;
  private lostListeners = new Set<(e: DeviceLostError) => void>();
  private errorListeners = new Set<(e: GpuOperationError) => void>();
  private dummies = new Map<string, GPUBuffer>();
  /** Set by destroy(): the owner let the device go, so nobody needs to hear of its loss. */
  private released = false;

  constructor(
    readonly device: GPUDevice,
    readonly adapter: AdapterSummary,
    readonly features: ReadonlySet<string>,
    serialPipelines = false,
  ) {
    this.pipelines = new PipelineCache(device, serialPipelines);
    this.ledger = new BufferLedger(device);
    this.buffers = this.deviceBuffers = this.ledger.scope('device');
    this.lost = device.lost.then((info) => {
      const err = new DeviceLostError(info.reason, info.message);
      this.lostError = err;
      // 'destroyed' is reported too unless destroy() below did it: a device destroyed
      // under us (by the browser, or by a test standing in for a driver reset) is a loss.
      if (!this.released) for (const f of this.lostListeners) f(err);
      return err;
    });
    device.addEventListener('uncapturederror', (ev) => {
      const error = (ev as GPUUncapturedErrorEvent).error;
      const err = new GpuOperationError(gpuErrorKind(error), 'GPU work outside an error scope', error.message);
      for (const f of this.errorListeners) f(err);
    });
  }

  get limits(): GPUSupportedLimits {
    return this.device.limits;
  }

  /**
   * This device as an owner sees it (a trainer, a plan): buffers made through the returned
   * object are charged to a new scope `name` below this one's, which the owner frees with
   * `buffers.destroyAll()`. Everything else (device, pipelines, the lost state, listeners) is
   * this object's, reached through the prototype; a view is never destroy()ed itself.
   */
  scope(name: string): Gpu {
    return Object.create(this, { buffers: { value: this.buffers.child(name), enumerable: true } }) as Gpu;
  }

  /** Called when the device is lost for any reason but our own destroy(). */
  onLost(listener: (e: DeviceLostError) => void): () => void {
    this.lostListeners.add(listener);
    return () => this.lostListeners.delete(listener);
  }

  /**
   * Called with each GPU error that no error scope caught (the device's uncapturederror
   * event): work recorded outside a training step's scopes, such as evaluation or sampling.
   */
  onUncapturedError(listener: (e: GpuOperationError) => void): () => void {
    this.errorListeners.add(listener);
    return () => this.errorListeners.delete(listener);
  }

  /**
   * A small zero-filled storage buffer to bind where a kernel's optional input ('read') or
   * output ('read_write') is absent. Distinct buffers per access and slot: one dispatch may
   * not bind the same buffer both read-only and writable, nor writable twice.
   */
  dummyBuffer(access: 'read' | 'read_write' = 'read', slot = 0): GPUBuffer {
    // Writable bindings of one bind group must not alias: a second unused one takes slot 1.
    const key = `${access} ${slot}`;
    let b = this.dummies.get(key);
    if (!b) {
      b = this.deviceBuffers.create({ label: `dummy ${key}`, size: 256, usage: GPUBufferUsage.STORAGE });
      this.dummies.set(key, b);
    }
    return b;
  }

  destroy(): void {
    this.released = true;
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
  return new Gpu(device, summary, new Set(device.features as unknown as Iterable<string>), opts.serialPipelines ?? false);
}

function subgroupSizes(info: GPUAdapterInfo | undefined): Pick<AdapterSummary, 'subgroupMinSize' | 'subgroupMaxSize'> {
  const i = info as { subgroupMinSize?: unknown; subgroupMaxSize?: unknown } | undefined;
  const ok = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x > 0;
  return ok(i?.subgroupMinSize) && ok(i?.subgroupMaxSize) ? { subgroupMinSize: i.subgroupMinSize, subgroupMaxSize: i.subgroupMaxSize } : {};
}
