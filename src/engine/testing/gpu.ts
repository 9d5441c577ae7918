// Helpers for GPU tests: one shared device per test page, upload/download, and poisoned
// outputs (filled with NaN) so that an element a kernel forgot to write fails the comparison.
import { acquireGpu, describeAdapter, type Gpu } from '../gpu/device';
import { recordPass, type Dispatch } from '../gpu/dispatch';
import type { DType, Tensor } from '../gpu/tensor';
import { byteSize } from '../gpu/tensor';
import { readBuffer } from '../gpu/readback';

let shared: Promise<Gpu> | null = null;

export function getTestGpu(): Promise<Gpu> {
  shared ??= acquireGpu();
  return shared;
}

export async function adapterLine(): Promise<string> {
  const gpu = await getTestGpu();
  return `WebGPU adapter: ${describeAdapter(gpu.adapter)}; optional features: ${[...gpu.features].filter((f) => ['timestamp-query', 'shader-f16', 'subgroups'].includes(f)).join(', ') || 'none'}${gpu.adapter.subgroupMinSize ? `; subgroup sizes ${gpu.adapter.subgroupMinSize}..${gpu.adapter.subgroupMaxSize}` : ''}`;
}

const ALIGN = 256;

/**
 * A tensor in its own buffer, placed at a non-zero aligned offset with poisoned guard bytes
 * before and after, so that a kernel writing out of its view is caught by checkGuards().
 */
export function createTensor(gpu: Gpu, label: string, shape: readonly number[], dtype: DType = 'f32'): Tensor {
  const bytes = byteSize({ shape });
  const buffer = gpu.device.createBuffer({
    label,
    size: ALIGN + Math.ceil(bytes / ALIGN) * ALIGN + ALIGN,
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
  });
  const t: Tensor = { label, shape: [...shape], dtype, offset: ALIGN, buffer };
  fillGuards(gpu, t);
  return t;
}

function typed(dtype: DType, data: ArrayLike<number>): Float32Array | Uint32Array | Int32Array {
  if (dtype === 'f32') return Float32Array.from(data);
  if (dtype === 'u32') return Uint32Array.from(data);
  return Int32Array.from(data);
}

export function upload(gpu: Gpu, label: string, shape: readonly number[], data: ArrayLike<number>, dtype: DType = 'f32'): Tensor {
  const t = createTensor(gpu, label, shape, dtype);
  write(gpu, t, data);
  return t;
}

export function write(gpu: Gpu, t: Tensor, data: ArrayLike<number>): void {
  const arr = typed(t.dtype, data);
  if (arr.byteLength !== byteSize(t)) throw new Error(`${t.label}: ${arr.length} values for shape ${t.shape}`);
  gpu.device.queue.writeBuffer(t.buffer, t.offset, arr.buffer, arr.byteOffset, arr.byteLength);
}

const POISON = 0x7fc00bad; // a quiet NaN as f32; a huge number as u32

export function poisoned(gpu: Gpu, label: string, shape: readonly number[], dtype: DType = 'f32'): Tensor {
  const t = createTensor(gpu, label, shape, dtype);
  const n = byteSize(t) / 4;
  gpu.device.queue.writeBuffer(t.buffer, t.offset, new Uint32Array(n).fill(POISON));
  return t;
}

function fillGuards(gpu: Gpu, t: Tensor): void {
  const guard = new Uint32Array(ALIGN / 4).fill(POISON);
  gpu.device.queue.writeBuffer(t.buffer, 0, guard);
  const end = t.offset + Math.ceil(byteSize(t) / ALIGN) * ALIGN;
  gpu.device.queue.writeBuffer(t.buffer, end, guard);
  // the tail between the view's end and the next ALIGN boundary, too
  const tail = end - (t.offset + byteSize(t));
  if (tail > 0) gpu.device.queue.writeBuffer(t.buffer, t.offset + byteSize(t), new Uint32Array(tail / 4).fill(POISON));
}

const readRaw = (gpu: Gpu, buffer: GPUBuffer, offset: number, bytes: number) => readBuffer(gpu, buffer, offset, bytes);

export async function download(gpu: Gpu, t: Tensor): Promise<Float32Array> {
  const raw = await readRaw(gpu, t.buffer, t.offset, byteSize(t));
  return new Float32Array(raw);
}

export async function downloadU32(gpu: Gpu, t: Tensor): Promise<Uint32Array> {
  return new Uint32Array(await readRaw(gpu, t.buffer, t.offset, byteSize(t)));
}

/** Throws if anything was written outside the tensor's view (a tile-edge overrun). */
export async function checkGuards(gpu: Gpu, t: Tensor): Promise<void> {
  const all = new Uint32Array(await readRaw(gpu, t.buffer, 0, t.buffer.size));
  const start = t.offset / 4;
  const end = start + byteSize(t) / 4;
  for (let i = 0; i < all.length; i++) {
    if ((i < start || i >= end) && all[i] !== POISON) {
      throw new Error(`${t.label}: kernel wrote outside its view at word ${i - start} relative to the view`);
    }
  }
}

/** Encodes the dispatches in one pass, submits, and waits for the GPU to finish. */
export async function run(gpu: Gpu, dispatches: readonly Dispatch[]): Promise<void> {
  const enc = gpu.device.createCommandEncoder();
  recordPass(enc, dispatches);
  gpu.device.pushErrorScope('validation');
  gpu.device.queue.submit([enc.finish()]);
  const err = await gpu.device.popErrorScope();
  await gpu.device.queue.onSubmittedWorkDone();
  if (err) throw new Error(`validation error: ${err.message}`);
}
