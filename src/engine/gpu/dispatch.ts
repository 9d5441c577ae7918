// A Dispatch is a kernel call prepared once (pipeline, bind group, workgroup counts, uniforms
// written) and replayed every step by encodeDispatches: the training loop records calls, it
// never builds anything.
import { MAX_UNIFORM_FIELDS, MAX_WIDE_UNIFORM_FIELDS, uniformBytes } from '../../core/allocations';
import type { Gpu } from './device';
import type { PipelineSpec } from './pipelines';
import { binding, type Tensor } from './tensor';

export interface Dispatch {
  readonly label: string;
  readonly pipeline: GPUComputePipeline;
  readonly bindGroup: GPUBindGroup;
  readonly workgroups: readonly [number, number, number];
}

export function encodeDispatches(pass: GPUComputePassEncoder, dispatches: readonly Dispatch[]): void {
  for (const d of dispatches) {
    pass.setPipeline(d.pipeline);
    pass.setBindGroup(0, d.bindGroup);
    pass.dispatchWorkgroups(d.workgroups[0], d.workgroups[1], d.workgroups[2]);
  }
}

/** Records the dispatches into one compute pass of `encoder`. */
export function recordPass(encoder: GPUCommandEncoder, dispatches: readonly Dispatch[], label = 'compute'): void {
  const pass = encoder.beginComputePass({ label });
  encodeDispatches(pass, dispatches);
  pass.end();
}

/**
 * Spreads `count` workgroups over x and y so that neither exceeds the per-dimension limit.
 * Shaders recover the linear index as `wid.x + wid.y * nwg.x` and must bounds-check it.
 */
export function grid1d(gpu: Gpu, count: number): [number, number, number] {
  const max = gpu.limits.maxComputeWorkgroupsPerDimension;
  if (count <= max) return [Math.max(1, count), 1, 1];
  const y = Math.ceil(count / max);
  return [Math.ceil(count / y), y, 1];
}

export const ceilDiv = (a: number, b: number): number => Math.ceil(a / b);

/** One field of a uniform struct: every field is a 4-byte u32 or f32, in declaration order. */
export type UniformField = ['u32' | 'i32' | 'f32', number];

/**
 * A small uniform buffer holding the given scalars in order, padded to 16 bytes, charged to
 * `gpu`'s scope (the plan that builds the dispatch destroys it). At most MAX_UNIFORM_FIELDS
 * fields: the memory estimate counts every uniform at that size.
 */
export function createUniform(gpu: Gpu, label: string, fields: readonly UniformField[]): GPUBuffer {
  return uniform(gpu, label, fields, MAX_UNIFORM_FIELDS);
}

/**
 * The same with up to MAX_WIDE_UNIFORM_FIELDS fields, for the few kernels the memory estimate
 * counts apart (core/allocations' ATTENTION_UNIFORMS).
 */
export function createWideUniform(gpu: Gpu, label: string, fields: readonly UniformField[]): GPUBuffer {
  return uniform(gpu, label, fields, MAX_WIDE_UNIFORM_FIELDS);
}

function uniform(gpu: Gpu, label: string, fields: readonly UniformField[], max: number): GPUBuffer {
  if (fields.length > max) throw new RangeError(`${label}: ${fields.length} uniform fields, at most ${max}`);
  const size = uniformBytes(fields.length);
  const buf = gpu.buffers.create({ label, size, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  gpu.device.queue.writeBuffer(buf, 0, packUniform(fields, size));
  return buf;
}

export function packUniform(fields: readonly UniformField[], size = fields.length * 4): ArrayBuffer {
  const data = new ArrayBuffer(size);
  const view = new DataView(data);
  fields.forEach(([type, value], i) => {
    if (type === 'f32') view.setFloat32(i * 4, value, true);
    else if (type === 'i32') view.setInt32(i * 4, value, true);
    else view.setUint32(i * 4, value, true);
  });
  return data;
}

export type BindingResource = Tensor | GPUBuffer | { uniform: GPUBuffer };

// A null resource leaves that binding number out: an entry point that does not use a
// variable of its shared file has no such binding in its auto layout.

/**
 * Builds a Dispatch: fetches (or builds) the pipeline and binds `resources` to bindings
 * 0..n-1 of group 0 in order (null entries skipped). A GPUBuffer is bound whole (uniforms), a Tensor as its view.
 */
export async function makeDispatch(
  gpu: Gpu,
  label: string,
  spec: PipelineSpec,
  resources: readonly (BindingResource | null)[],
  workgroups: readonly [number, number, number],
): Promise<Dispatch> {
  const pipeline = await gpu.pipelines.get(spec);
  const entries: GPUBindGroupEntry[] = [];
  resources.forEach((r, i) => {
    if (r === null) return;
    if (r instanceof GPUBuffer) entries.push({ binding: i, resource: { buffer: r } });
    else if ('uniform' in r) entries.push({ binding: i, resource: { buffer: r.uniform } });
    else entries.push({ binding: i, resource: binding(r) });
  });
  const bindGroup = gpu.device.createBindGroup({ label, layout: pipeline.getBindGroupLayout(0), entries });
  return { label, pipeline, bindGroup, workgroups: [workgroups[0], workgroups[1], workgroups[2]] };
}
