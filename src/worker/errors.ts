// Turning engine errors into WireErrors and back into readable text.
import { DeviceLostError, GpuUnavailableError, ShaderCompileError, ShapeError } from '../engine/gpu/errors';
import type { WireError } from '../core/protocol';

export function toWireError(e: unknown): WireError {
  if (e instanceof GpuUnavailableError) return { name: e.name, message: e.message, code: e.reason };
  if (e instanceof ShaderCompileError) {
    return {
      name: e.name,
      message: e.message,
      code: `${e.file}:${e.line}`,
      details: { file: e.file, entryPoint: e.entryPoint, line: e.line, column: e.column, detail: e.detail },
    };
  }
  if (e instanceof DeviceLostError) return { name: e.name, message: e.message, code: e.reason };
  if (e instanceof ShapeError) return { name: e.name, message: e.message };
  if (e instanceof InputError) return { name: e.name, message: e.message, code: e.field };
  if (e instanceof Error) return { name: e.name || 'Error', message: e.message };
  return { name: 'Error', message: String(e) };
}

/** A request the user can fix by changing an input; the UI shows it next to that input. */
export class InputError extends Error {
  override name = 'InputError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}
