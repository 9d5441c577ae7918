// The start-up self-check: the adapter, its limits and features, and every shader module the
// app's models compile on this device, so that a WGSL error is reported with its file and
// line before any model is built. Only what the app runs: the kernels used by benchmarks
// and tests alone (matmul_plain, the standalone activation and residual) are not compiled.
import type { AdapterReport } from '../core/protocol';
import { describeAdapter, type Gpu } from '../engine/gpu/device';
import { compileModule, type ShaderSource } from '../engine/gpu/pipelines';
import type { KernelConfig } from '../engine/kernels/config';
import { shaderSource } from '../engine/kernels/shaders';
import type { WorkerDevice } from './device';

/**
 * Compiled as they are by every model variant (pre- or post-LN, GELU or ReLU, either position
 * code, with or without the mask: they differ in entry points and constants, not modules):
 * training, evaluation, the attention maps and sampling with f32 or f16 weights. The
 * workgroup-sum layernorm and cross-entropy serve their parameter passes and mean loss even
 * when rows reduce through subgroups.
 */
const KERNEL_FILES = [
  'adamw.wgsl',
  'attention.wgsl',
  'attention_backward.wgsl',
  'crossentropy.wgsl',
  'encoder.wgsl',
  'gradnorm.wgsl',
  'half.wgsl',
  'layernorm.wgsl',
  'matmul.wgsl',
];

/** Kernels whose rows reduce through subgroups when the configuration says so. */
const ROW_REDUCTION_FILES = ['attention_decode.wgsl', 'crossentropy.wgsl', 'layernorm.wgsl'];

/** Kernels of a configuration that runs matmul_lanes (software adapters with subgroups). */
const LANES_FILES = ['attention_lanes.wgsl', 'matmul_lanes.wgsl'];

/** The shader modules the app compiles with this kernel configuration. */
export function appShaders(kernelConfig: KernelConfig): ShaderSource[] {
  const modules = KERNEL_FILES.map((f) => shaderSource(f));
  if (kernelConfig.subgroups) modules.push(...ROW_REDUCTION_FILES.map((f) => shaderSource(f, { subgroups: true })));
  else modules.push(shaderSource('attention_decode.wgsl'));
  // Products by one subgroup per workgroup (matmul_lanes), and attention as products with it.
  if (kernelConfig.matmul.lanes) modules.push(...LANES_FILES.map((f) => shaderSource(f, { subgroups: true })));
  return modules.sort((a, b) => a.file.localeCompare(b.file));
}

const REPORTED_LIMITS = [
  'maxBufferSize',
  'maxStorageBufferBindingSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxStorageBuffersPerShaderStage',
  'minStorageBufferOffsetAlignment',
] as const;

/** The adapter, its features and the limits the engine plans with, as the page reports them. */
export function adapterFacts(gpu: Gpu): Omit<AdapterReport, 'shaders'> {
  const limits: Record<string, number> = {};
  for (const key of REPORTED_LIMITS) limits[key] = gpu.limits[key];
  return { description: describeAdapter(gpu.adapter), isFallback: gpu.adapter.isFallback, features: [...gpu.features].sort(), limits };
}

/** Throws a ShaderCompileError naming the file and line of the first module that fails. */
export async function probeDevice(device: WorkerDevice): Promise<AdapterReport> {
  const { gpu, kernelConfig } = device;
  const shaders: AdapterReport['shaders'] = [];
  for (const s of appShaders(kernelConfig)) {
    await compileModule(gpu.device, s);
    shaders.push({ file: s.file, ok: true });
  }
  return { ...adapterFacts(gpu), shaders };
}
