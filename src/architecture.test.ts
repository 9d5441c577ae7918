// The layering rule of ../README.md#architecture, checked over every file in src/: each
// import may point only to its own layer or to a layer below it, and no files import each
// other in a cycle. A failure names the importing file, the imported one and the rule.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(new URL(import.meta.url).pathname));

/**
 * Which layers each layer may import (its own layer is always allowed). Inside the engine the
 * folders are layers too, so that the kernels never reach up to the model or the tuner.
 */
const ALLOWED: Record<string, readonly string[]> = {
  'main.tsx': ['ui', 'state'],
  'architecture.test.ts': [],
  ui: ['state', 'core', 'corpora'],
  state: ['client', 'persist', 'core', 'corpora'],
  client: ['core'],
  persist: ['core'],
  corpora: ['core'],
  worker: ['engine', 'core'],
  core: [],
  // The benchmark also compares the engine with onnxruntime-web, which the worker wraps.
  bench: ['engine', 'worker', 'core'],
  tools: ['engine', 'persist', 'core', 'corpora'],
  // The engine's own folders, lowest first.
  'engine/gpu': ['core'],
  'engine/kernels': ['engine/gpu', 'core'],
  'engine/ref': ['engine/kernels', 'engine/gpu', 'core'],
  // The float32 CPU engine: typed arrays and workers only, checked against engine/ref in tests.
  'engine/cpu': ['core'],
  'engine/tokenize': ['core'],
  'engine/codecs': ['engine/tokenize', 'engine/ref', 'core'],
  'engine/model': ['engine/kernels', 'engine/gpu', 'core'],
  'engine/tune': ['engine/kernels', 'engine/gpu', 'core'],
  'engine/train': ['engine/model', 'engine/kernels', 'engine/gpu', 'engine/ref', 'engine/cpu', 'core'],
  'engine/sample': ['engine/model', 'engine/kernels', 'engine/gpu', 'core'],
  'engine/inspect': ['engine/sample', 'engine/model', 'engine/kernels', 'engine/gpu', 'engine/ref', 'core'],
  'engine/testing': ['engine/gpu', 'core'],
  // The kernel cases and training throughput, run by the benchmark pages and the app's worker.
  'engine/bench': ['engine/train', 'engine/kernels', 'engine/gpu', 'engine/testing', 'core'],
};

/**
 * What tests may use besides their layer's rule: any engine folder (fixtures, references, a
 * real codec to check a format end to end), and the worker client from the worker's own
 * end-to-end tests. Nothing of the app's runtime imports a test.
 */
function testMayImport(from: string, to: string): boolean {
  if (to.startsWith('engine/')) return true;
  return from === 'worker' && to === 'client';
}

export function layerOf(file: string): string {
  const parts = relative(SRC, file).split('/');
  if (parts.length === 1) return parts[0];
  if (parts[0] === 'engine') return parts.length > 2 ? `engine/${parts[1]}` : 'engine';
  return parts[0];
}

/** engine/x may import engine/y when the table says so; outside layers name 'engine' whole. */
function allowed(from: string, to: string, isTest: boolean): boolean {
  if (from === to) return true;
  const rule = ALLOWED[from];
  if (!rule) return false;
  if (isTest && testMayImport(from, to)) return true;
  if (rule.includes(to)) return true;
  return to.startsWith('engine/') && rule.includes('engine');
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (/\.(ts|tsx)$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

const IMPORT = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|[\s;(=])import\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s+['"]([^'"]+)['"]/gm;

interface Edge {
  to: string;
  /** `import type` / `export type`: erased by the compiler, so it cannot make a load-order cycle. */
  typeOnly: boolean;
}

/** The files under src/ that `file` imports (relative specifiers only; packages are not layers). */
export function importsOf(file: string, text: string): string[] {
  return edgesOf(file, text).map((e) => e.to);
}

function edgesOf(file: string, text: string): Edge[] {
  const out: Edge[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2] ?? m[3];
    const typeOnly = /^\s*[;(=]?\s*(?:import|export)\s+type\s/.test(m[0]);
    if (!spec.startsWith('.')) continue;
    const bare = resolve(dirname(file), spec.split('?')[0]);
    for (const cand of [bare, `${bare}.ts`, `${bare}.tsx`, join(bare, 'index.ts')]) {
      try {
        if (statSync(cand).isFile()) {
          if (cand.startsWith(SRC + '/')) out.push({ to: cand, typeOnly });
          break;
        }
      } catch {
        // not this candidate
      }
    }
  }
  return out;
}

function graph(): Map<string, Edge[]> {
  const g = new Map<string, Edge[]>();
  for (const f of sourceFiles(SRC)) g.set(f, edgesOf(f, readFileSync(f, 'utf8')));
  return g;
}

/** Every cycle's files, found by Tarjan's strongly connected components. */
export function cycles(g: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of g.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || (g.get(v) ?? []).includes(v)) out.push(comp);
    }
  };
  for (const v of g.keys()) if (!idx.has(v)) visit(v);
  return out;
}

const rel = (f: string) => relative(SRC, f);

describe('architecture', () => {
  const g = graph();

  it('sees the whole tree', () => {
    // Guards the scanner itself: a regex that stopped matching would make every rule pass.
    const edges = [...g.values()].reduce((n, e) => n + e.length, 0);
    const typeEdges = [...g.values()].reduce((n, e) => n + e.filter((x) => x.typeOnly).length, 0);
    expect(typeEdges).toBeGreaterThan(50);
    expect(g.size).toBeGreaterThan(200);
    expect(edges).toBeGreaterThan(500);
  });

  it('every file belongs to a layer with a rule', () => {
    const unknown = [...g.keys()].filter((f) => !(layerOf(f) in ALLOWED)).map(rel);
    expect(unknown).toEqual([]);
  });

  it('imports point only down the layers', () => {
    const bad: string[] = [];
    for (const [f, deps] of g) {
      const from = layerOf(f);
      const isTest = /\.test\.tsx?$/.test(f);
      for (const { to: d } of deps) {
        const to = layerOf(d);
        if (!allowed(from, to, isTest)) bad.push(`${rel(f)} → ${rel(d)} (${from} may import ${[from, ...(ALLOWED[from] ?? [])].join(', ')})`);
      }
    }
    expect(bad).toEqual([]);
  });

  // Layers use type-only imports for the slices-of-one-store pattern (a slice names the whole
  // store's type); those are erased, so only imports that load code count here.
  it('no import cycles', () => {
    const values = new Map([...g].map(([f, deps]) => [f, deps.filter((d) => !d.typeOnly).map((d) => d.to)]));
    expect(cycles(values).map((c) => c.map(rel).sort().join(' ↔ '))).toEqual([]);
  });

  // A file over this is asking to be split: one concept per file.
  it('no source or shader file is over 400 lines', () => {
    const shaders = join(SRC, '..', 'shaders');
    const files = [...sourceFiles(SRC), ...readdirSync(shaders).map((n) => join(shaders, n))];
    const long = files.map((f) => [relative(join(SRC, '..'), f), readFileSync(f, 'utf8').split('\n').length - 1] as const).filter(([, n]) => n > 400);
    expect(long).toEqual([]);
  });

  it('the checker finds a forbidden edge and a cycle', () => {
    expect(allowed('engine/kernels', 'engine/model', false)).toBe(false);
    expect(allowed('ui', 'engine/gpu', false)).toBe(false);
    expect(allowed('persist', 'engine/codecs', false)).toBe(false);
    expect(allowed('worker', 'engine/gpu', false)).toBe(true);
    const a = join(SRC, 'a.ts');
    const b = join(SRC, 'b.ts');
    expect(cycles(new Map([[a, [b]], [b, [a]]]))).toHaveLength(1);
    expect(importsOf(join(SRC, 'ui/x.ts'), "import { a } from '../core/config';\nimport type { B } from \"../core/protocol\";")).toEqual([
      join(SRC, 'core/config.ts'),
      join(SRC, 'core/protocol.ts'),
    ]);
  });
});
