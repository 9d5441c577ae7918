// Every WGSL file under shaders/, composed into the modules the kernels compile: the one way a
// kernel wrapper gets its shader. A file whose first lines say `// requires: x.wgsl` gets
// x.wgsl (functions and constants only) appended, so the file's own line numbers stay those
// of compile errors, and the parts' first lines map a library's lines back to its file. A
// variant may swap a library (subgroup reductions for workgroup ones).
import type { ShaderSource } from '../gpu/pipelines';

const files = import.meta.glob('../../../shaders/*.wgsl', { query: '?raw', import: 'default', eager: true }) as Record<
  string,
  string
>;

const byName = new Map(Object.entries(files).map(([path, code]) => [path.slice(path.lastIndexOf('/') + 1), code]));

/** The `// requires:` lines at the top of a WGSL file (before its first non-comment line). */
export function requiredLibraries(code: string): string[] {
  const out: string[] = [];
  for (const line of code.split('\n')) {
    if (!line.startsWith('//')) break;
    const m = /^\/\/ requires: (.+)$/.exec(line);
    if (m) out.push(...m[1].split(',').map((s) => s.trim()).filter(Boolean));
  }
  return out;
}

export interface ShaderVariant {
  /**
   * Reductions through subgroup operations: every required library named x_workgroup.wgsl is
   * replaced by x_subgroup.wgsl and the module enables the 'subgroups' extension (the device
   * must have the feature).
   */
  subgroups?: boolean;
}

/** `file` (e.g. 'matmul.wgsl') with the libraries it requires appended. */
export function shaderSource(file: string, variant: ShaderVariant = {}): ShaderSource {
  const code = byName.get(file);
  if (code === undefined) throw new Error(`no shader ${file}`);
  const seen = new Set([file]);
  const parts = [code];
  const names = [file];
  const add = (required: string): void => {
    const lib = variant.subgroups && required.endsWith('_workgroup.wgsl') ? required.replace(/_workgroup\.wgsl$/, '_subgroup.wgsl') : required;
    if (seen.has(lib)) return;
    seen.add(lib);
    const libCode = byName.get(lib);
    if (libCode === undefined) throw new Error(`${file} requires ${lib}, which does not exist`);
    parts.push(libCode);
    names.push(lib);
    requiredLibraries(libCode).forEach(add);
  };
  requiredLibraries(code).forEach(add);
  // On the first line, before its comment: the file's line numbers stay those of errors.
  const enable = variant.subgroups ? 'enable subgroups; ' : '';
  const starts: { file: string; firstLine: number }[] = [];
  let line = 1;
  parts.forEach((text, i) => {
    starts.push({ file: names[i], firstLine: line });
    line += text.split('\n').length;
  });
  return { file: variant.subgroups ? `${file} (subgroups)` : file, code: enable + parts.join('\n'), parts: starts.slice(1) };
}
