// Errors the GPU runtime raises. Each says what went wrong in words a user can act on,
// and carries a machine-readable `code` so the UI can pick its own message and advice.

export type GpuUnavailableReason =
  | 'no-webgpu' // navigator.gpu missing: browser without WebGPU, or the flag is off
  | 'no-adapter' // navigator.gpu present but requestAdapter() gave null (blocklisted or no driver)
  | 'device-request-failed'; // adapter found but requestDevice() rejected

export class GpuUnavailableError extends Error {
  override name = 'GpuUnavailableError';
  constructor(
    readonly reason: GpuUnavailableReason,
    message: string,
  ) {
    super(message);
  }
}

/** The device was lost: driver reset, GPU removed, out of memory, or destroy(). */
export class DeviceLostError extends Error {
  override name = 'DeviceLostError';
  constructor(
    readonly reason: string, // GPUDeviceLostReason: 'destroyed' | 'unknown'
    readonly detail: string,
  ) {
    super(`WebGPU device lost (${reason})${detail ? `: ${detail}` : ''}`);
  }
}

/** The error scope filters of WebGPU: what kind of thing went wrong on the GPU. */
export type GpuErrorKind = 'validation' | 'out-of-memory' | 'internal';

/**
 * A GPU command failed: an error scope around it, or the device's uncapturederror event,
 * caught a GPUError. Names the kind (the scope's filter), what was being done and the
 * browser's own message, which names the offending object by its label.
 */
export class GpuOperationError extends Error {
  override name = 'GpuOperationError';
  constructor(
    readonly kind: GpuErrorKind,
    readonly during: string,
    readonly detail: string,
  ) {
    super(`${kind} error during ${during}: ${detail.trim()}`);
  }
}

/** The kind of a GPUError, read from its class (GPUValidationError, GPUOutOfMemoryError, GPUInternalError). */
export function gpuErrorKind(error: GPUError): GpuErrorKind {
  const cls = error.constructor?.name ?? '';
  if (/OutOfMemory/.test(cls)) return 'out-of-memory';
  if (/Internal/.test(cls)) return 'internal';
  return 'validation';
}

/** A WGSL shader failed to compile or its pipeline failed to build. */
export class ShaderCompileError extends Error {
  override name = 'ShaderCompileError';
  constructor(
    readonly file: string,
    readonly entryPoint: string,
    readonly line: number, // 1-based; 0 when the compiler gave no position
    readonly column: number,
    readonly detail: string,
    readonly sourceLine: string,
  ) {
    super(
      `WGSL error in ${file}` +
        (line > 0 ? `:${line}:${column}` : '') +
        ` (entry point ${entryPoint}): ${detail}` +
        (sourceLine ? `\n  ${line} | ${sourceLine.trim()}` : ''),
    );
  }
}

/** A kernel was called with tensors whose shapes do not fit together. */
export class ShapeError extends Error {
  override name = 'ShapeError';
}
