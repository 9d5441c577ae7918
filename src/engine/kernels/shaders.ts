// Every WGSL file under shaders/, for the start-up self-check that compiles them all and
// reports the first error with its file and line.
import type { ShaderSource } from '../gpu/pipelines';

const files = import.meta.glob('../../../shaders/*.wgsl', { query: '?raw', import: 'default', eager: true }) as Record<
  string,
  string
>;

export const allShaders: ShaderSource[] = Object.entries(files)
  .map(([path, code]) => ({ file: path.slice(path.lastIndexOf('/') + 1), code }))
  .sort((a, b) => a.file.localeCompare(b.file));
