import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sourceLine } from '../gpu/pipelines';
import { requiredLibraries, shaderSource } from './shaders';

describe('shader composition', () => {
  it('reads the requires lines at the top of a file only', () => {
    expect(requiredLibraries('// requires: a.wgsl\n// requires: b.wgsl, c.wgsl\n// text\nfn f() {}\n// requires: late.wgsl')).toEqual(['a.wgsl', 'b.wgsl', 'c.wgsl']);
    expect(requiredLibraries('fn f() {}')).toEqual([]);
  });

  it('appends each required library once, after the file, and maps lines back to their file', () => {
    const s = shaderSource('attention_backward.wgsl');
    expect(s.code.match(/fn kv4/g)).toHaveLength(1);
    expect(s.parts?.map((p) => p.file)).toEqual(['attention_common.wgsl']);
    const lines = s.code.split('\n');
    const kv4Line = lines.findIndex((l) => l.startsWith('fn kv4')) + 1;
    const at = sourceLine(s, kv4Line);
    expect(at.file).toBe('attention_common.wgsl');
    expect(lines[kv4Line - 1]).toBe(shaderSource('attention_common.wgsl').code.split('\n')[at.line - 1]);
    expect(sourceLine(s, 3)).toEqual({ file: 'attention_backward.wgsl', line: 3 });
  });

  it('the subgroup variant swaps every *_workgroup library and enables the extension on line 1', () => {
    const plain = shaderSource('crossentropy.wgsl');
    const sub = shaderSource('crossentropy.wgsl', { subgroups: true });
    expect(plain.code).toContain('wg_max[tid] = m;'); // the workgroup tree
    expect(sub.code).not.toContain('wg_max[tid] = m;');
    expect(sub.code).toContain('subgroupMax');
    expect(sub.code.startsWith('enable subgroups; //')).toBe(true);
    expect(sub.parts?.map((p) => p.file)).toEqual(['softmax_subgroup.wgsl']);
    expect(sub.file).toBe('crossentropy.wgsl (subgroups)');
  });

  it('is the one way a kernel wrapper loads its shader: no ?raw imports besides the registry', () => {
    const dir = dirname(new URL(import.meta.url).pathname);
    const wrappers = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'shaders.ts');
    expect(wrappers.length).toBeGreaterThan(10);
    const raw = wrappers.filter((f) => /\.wgsl\?raw/.test(readFileSync(join(dir, f), 'utf8')));
    expect(raw).toEqual([]);
  });

  it('names a missing shader or library', () => {
    expect(() => shaderSource('nope.wgsl')).toThrow(/no shader nope.wgsl/);
  });
});
