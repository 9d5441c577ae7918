// Compute pipelines, built once per (shader file, entry point, override constants) inside a
// validation error scope, so a WGSL mistake surfaces as a ShaderCompileError naming the file,
// the entry point and the line instead of a silent invalid pipeline.
import { ShaderCompileError } from './errors';

export interface ShaderSource {
  /** File name under shaders/, e.g. 'matmul.wgsl' (used in error messages). */
  file: string;
  /** WGSL text (from the shader registry, engine/kernels/shaders.ts). */
  code: string;
  /**
   * When `code` joins several files (a kernel and the libraries it requires): the line each
   * one starts on (1-based), so that a compile error names the file and line it is in.
   */
  parts?: readonly { file: string; firstLine: number }[];
}

/** The file and the line within it of line `lineNum` of a (possibly composed) source. */
export function sourceLine(shader: ShaderSource, lineNum: number): { file: string; line: number } {
  const part = (shader.parts ?? []).filter((p) => p.firstLine <= lineNum).at(-1);
  return part ? { file: part.file, line: lineNum - part.firstLine + 1 } : { file: shader.file, line: lineNum };
}

export interface PipelineSpec {
  shader: ShaderSource;
  entryPoint: string;
  /** WGSL `override` constants: tuning knobs such as tile sizes. */
  constants?: Record<string, number>;
}

export class PipelineCache {
  private modules = new Map<string, Promise<GPUShaderModule>>();
  private pipelines = new Map<string, Promise<GPUComputePipeline>>();
  /** With `serial`: the last build requested, which the next waits for. */
  private tail: Promise<unknown> = Promise.resolve();

  /**
   * `serial` builds one pipeline at a time, in the order asked: how pipelines were built
   * before they were requested side by side, kept for the benchmark's before/after of the
   * time to the first step.
   */
  constructor(private readonly device: GPUDevice, private readonly serial = false) {}

  /** Number of distinct pipelines built so far. */
  get size(): number {
    return this.pipelines.size;
  }

  /** The shader modules compiled so far, by file (a variant's included, e.g. 'layernorm.wgsl (subgroups)'). */
  get moduleFiles(): string[] {
    return [...new Set([...this.modules.keys()].map((key) => key.slice(0, key.indexOf('\0'))))].sort();
  }

  get(spec: PipelineSpec): Promise<GPUComputePipeline> {
    const constants = spec.constants ?? {};
    const key = `${spec.shader.file}#${spec.entryPoint}#${JSON.stringify(
      Object.keys(constants)
        .sort()
        .map((k) => [k, constants[k]]),
    )}`;
    let p = this.pipelines.get(key);
    if (!p) {
      if (this.serial) {
        const built = this.tail.then(() => this.build(spec, constants));
        this.tail = built.catch(() => undefined);
        p = built;
      } else {
        p = this.build(spec, constants);
      }
      this.pipelines.set(key, p);
      // A failed build is not cached: the caller may fix the source and try again.
      p.catch(() => this.pipelines.delete(key));
    }
    return p;
  }

  private module(shader: ShaderSource, entryPoint: string): Promise<GPUShaderModule> {
    let m = this.modules.get(shader.file + '\0' + shader.code);
    if (!m) {
      m = compileModule(this.device, shader, entryPoint);
      this.modules.set(shader.file + '\0' + shader.code, m);
      m.catch(() => this.modules.delete(shader.file + '\0' + shader.code));
    }
    return m;
  }

  private async build(spec: PipelineSpec, constants: Record<string, number>): Promise<GPUComputePipeline> {
    const module = await this.module(spec.shader, spec.entryPoint);
    // The scope is pushed and popped around the call alone, with nothing awaited between:
    // error scopes are one stack per device, and builds run side by side with other work, so
    // a scope left open across an await would catch that work's errors (and lose its own).
    // A failed asynchronous creation rejects its promise; the scope catches a call refused at once.
    this.device.pushErrorScope('validation');
    const creating = this.device.createComputePipelineAsync({
      label: `${spec.shader.file}:${spec.entryPoint}`,
      layout: 'auto',
      compute: { module, entryPoint: spec.entryPoint, constants },
    });
    const scope = this.device.popErrorScope();
    let pipeline: GPUComputePipeline | null = null;
    let thrown: unknown = null;
    try {
      pipeline = await creating;
    } catch (e) {
      thrown = e;
    }
    const scoped = await scope;
    const problem = thrown ?? scoped;
    if (problem || !pipeline) {
      const msg = problem instanceof Error || (problem && typeof problem === 'object' && 'message' in problem)
        ? String((problem as { message: string }).message)
        : 'pipeline creation failed';
      throw new ShaderCompileError(spec.shader.file, spec.entryPoint, 0, 0, msg, '');
    }
    return pipeline;
  }
}

/**
 * Compiles a shader module and throws a ShaderCompileError with the first error's line.
 * `entryPoint` only names the caller in the message.
 */
export async function compileModule(device: GPUDevice, shader: ShaderSource, entryPoint = '(module)'): Promise<GPUShaderModule> {
  // Pushed and popped around the call alone (see PipelineCache.build).
  device.pushErrorScope('validation');
  const module = device.createShaderModule({ label: shader.file, code: shader.code });
  const scope = device.popErrorScope();
  const info = await module.getCompilationInfo();
  const scoped = await scope;
  const error = info.messages.find((m) => m.type === 'error');
  if (error) {
    const lines = shader.code.split('\n');
    const at = sourceLine(shader, error.lineNum);
    throw new ShaderCompileError(
      at.file === shader.file ? shader.file : `${at.file} (required by ${shader.file})`,
      entryPoint,
      at.line,
      error.linePos,
      error.message,
      lines[error.lineNum - 1] ?? '',
    );
  }
  if (scoped) throw new ShaderCompileError(shader.file, entryPoint, 0, 0, scoped.message, '');
  return module;
}
