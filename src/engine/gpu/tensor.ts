// A tensor is a view into a GPU buffer: {buffer, byte offset, shape}. Every kernel takes and
// returns views; the buffers themselves come from an arena allocated once.
import { ShapeError } from './errors';

import type { DType } from '../../core/activations';

export type { DType } from '../../core/activations';

export interface Tensor {
  readonly label: string;
  readonly shape: readonly number[];
  readonly dtype: DType;
  /** Byte offset into `buffer`, a multiple of the device's minStorageBufferOffsetAlignment. */
  readonly offset: number;
  /** The backing buffer; set when the arena that planned this view is allocated. */
  buffer: GPUBuffer;
}

export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function byteSize(t: Pick<Tensor, 'shape'>): number {
  return numel(t.shape) * 4;
}

export function binding(t: Tensor): GPUBufferBinding {
  if (!t.buffer) throw new Error(`tensor ${t.label} has no buffer: allocate its arena first`);
  return { buffer: t.buffer, offset: t.offset, size: byteSize(t) };
}

export function shapeStr(shape: readonly number[]): string {
  return `(${shape.join(', ')})`;
}

/** Throws a ShapeError unless `t` has exactly `shape` (entries of -1 match any size). */
export function expectShape(what: string, t: Tensor, shape: readonly number[]): void {
  const ok = t.shape.length === shape.length && shape.every((d, i) => d < 0 || d === t.shape[i]);
  if (!ok) throw new ShapeError(`${what}: expected ${t.label} of shape ${shapeStr(shape)}, got ${shapeStr(t.shape)}`);
}

export function expectDtype(what: string, t: Tensor, dtype: DType): void {
  if (t.dtype !== dtype) throw new ShapeError(`${what}: expected ${t.label} as ${dtype}, got ${t.dtype}`);
}

/** Splits a shape (..., C) into rows = product of leading dims and the last dim. */
export function rowsCols(t: Tensor): [number, number] {
  if (t.shape.length < 1) throw new ShapeError(`${t.label} must have at least one dimension`);
  const cols = t.shape[t.shape.length - 1];
  return [numel(t.shape) / cols, cols];
}
