#!/usr/bin/env node
// npm run test:mutants [-- --only id,id…] [--from-head] [--keep] [--list] [--timeout 600] [--file list.json]
//
// Mutation testing: each entry of scripts/mutants.json is a small deliberate bug (a file, an
// exact text that occurs once in it, its replacement, and the test files that should notice).
// The repository's sources and config are copied to a temporary directory (the working tree
// as it is now, or HEAD with --from-head; the working tree itself is never touched), the
// listed tests are run there once unmutated (they must pass), then once per mutant with it
// applied: a failing run means the mutant was caught, a passing one that it survived.
// Prints one line per mutant, then caught/tried and the survivors; exits 1 if any survived.
// Not part of `npm test`: it takes a while (a GPU test run per mutant).
import { spawn, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_LIST = join(ROOT, 'scripts', 'mutants.json');
/** What a test run needs: sources, shaders, and the config vitest and TypeScript read. */
const COPIED = ['src', 'shaders', 'public', 'bench', 'tools', 'package.json', 'vite.config.ts', 'tsconfig.json',
  'browser.config.mjs', 'browser.config.d.mts', 'index.html'];
/** Left out of the sandbox's node_modules so that its Vite caches are its own. */
const PRIVATE_CACHES = new Set(['.vite', '.vite-temp', '.vitest']);

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    'from-head': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    list: { type: 'boolean', default: false },
    timeout: { type: 'string', default: '600' },
    file: { type: 'string', default: DEFAULT_LIST },
  },
});
const timeoutMs = Number(values.timeout) * 1000;

/**
 * @typedef {{ id: string; what: string; file: string; find: string; replace: string; tests: string[] }} Mutant
 * @typedef {{ ok: boolean; timedOut: boolean; seconds: number; firstFailure: string; log: string }} RunResult
 */

/** @returns {Mutant[]} */
function loadMutants() {
  /** @type {Mutant[]} */
  const all = JSON.parse(readFileSync(resolve(values.file), 'utf8')).mutants;
  const ids = new Set();
  for (const m of all) {
    for (const key of ['id', 'what', 'file', 'find', 'replace']) {
      if (typeof m[key] !== 'string') throw new Error(`mutants.json: ${m.id ?? '?'} has no string ${key}`);
    }
    if (!Array.isArray(m.tests) || m.tests.length === 0) throw new Error(`mutants.json: ${m.id} lists no tests`);
    if (ids.has(m.id)) throw new Error(`mutants.json: duplicate id ${m.id}`);
    if (m.find === m.replace) throw new Error(`mutants.json: ${m.id} replaces its text with itself`);
    ids.add(m.id);
  }
  if (!values.only) return all;
  const wanted = values.only.split(',').map((s) => s.trim()).filter(Boolean);
  return all.filter((m) => wanted.some((w) => m.id.includes(w)));
}

function makeSandbox() {
  const dir = mkdtempSync(join(tmpdir(), 'gpt-mutants-'));
  if (values['from-head']) {
    const present = COPIED.filter((p) => execFileSync('git', ['-C', ROOT, 'ls-tree', '--name-only', 'HEAD', p]).length > 0);
    const tar = execFileSync('git', ['-C', ROOT, 'archive', '--format=tar', 'HEAD', ...present], { maxBuffer: 1 << 30 });
    execFileSync('tar', ['-x', '-C', dir], { input: tar });
  } else {
    for (const p of COPIED) if (existsSync(join(ROOT, p))) cpSync(join(ROOT, p), join(dir, p), { recursive: true });
  }
  // The packages are shared by symbolic links; the caches Vite writes under node_modules are not.
  mkdirSync(join(dir, 'node_modules'));
  for (const name of readdirSync(join(ROOT, 'node_modules'))) {
    if (!PRIVATE_CACHES.has(name)) symlinkSync(join(ROOT, 'node_modules', name), join(dir, 'node_modules', name));
  }
  mkdirSync(join(dir, 'mutant-logs'));
  return dir;
}

const stripAnsi = (s) => s.replace(/\x1b\[[0-9;]*m/g, '');

/** The vitest project of a test file: GPU tests run in the browser. */
const projectOf = (file) => (file.endsWith('.gpu.test.ts') ? 'gpu' : 'unit');

/**
 * Runs `files` with vitest in `cwd`, one invocation per project, stopping at the first failure.
 * @returns {Promise<RunResult>}
 */
async function runTests(cwd, files, bail) {
  const start = performance.now();
  const groups = new Map();
  for (const f of files) groups.set(projectOf(f), [...(groups.get(projectOf(f)) ?? []), f]);
  let log = '';
  for (const [project, group] of groups) {
    const args = ['vitest', 'run', '--project', project, ...(bail ? ['--bail', '1'] : []), ...group];
    const { code, timedOut, output } = await spawnWithTimeout('npx', args, cwd, timeoutMs);
    log += `$ npx ${args.join(' ')}\n${output}\n`;
    if (code !== 0 || timedOut) {
      const plain = stripAnsi(output);
      const firstFailure = timedOut
        ? `timed out after ${timeoutMs / 1000} s`
        : (plain.split('\n').find((l) => /^\s*FAIL\s/.test(l))?.trim() ?? plain.split('\n').find((l) => /Error/.test(l))?.trim() ?? `exit ${code}`);
      return { ok: false, timedOut, seconds: (performance.now() - start) / 1000, firstFailure, log };
    }
  }
  return { ok: true, timedOut: false, seconds: (performance.now() - start) / 1000, firstFailure: '', log };
}

/** @returns {Promise<{ code: number | null; timedOut: boolean; output: string }>} */
function spawnWithTimeout(cmd, args, cwd, ms) {
  return new Promise((resolvePromise, reject) => {
    // Its own process group, so that a timeout ends vitest and the browser it started.
    const child = spawn(cmd, args, { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, ms);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, timedOut, output });
    });
  });
}

const count = (text, sub) => text.split(sub).length - 1;
const pad = (s, n) => (s.length >= n ? s : s + ' '.repeat(n - s.length));

async function main() {
  const mutants = loadMutants();
  if (values.list) {
    for (const m of mutants) console.log(`${pad(m.id, 34)} ${m.file}: ${m.what}\n${' '.repeat(35)}tests: ${m.tests.join(', ')}`);
    return 0;
  }
  if (mutants.length === 0) throw new Error(`no mutant matches --only ${values.only}`);
  const sandbox = makeSandbox();
  console.log(`${mutants.length} mutants from ${values.file === DEFAULT_LIST ? 'scripts/mutants.json' : values.file}; ${values['from-head'] ? 'HEAD' : 'the working tree'} copied to ${sandbox}`);
  try {
    // Each find text must name one place, or the mutant means nothing.
    const invalid = [];
    for (const m of mutants) {
      const path = join(sandbox, m.file);
      const n = existsSync(path) ? count(readFileSync(path, 'utf8'), m.find) : -1;
      if (n !== 1) invalid.push(`${m.id}: ${n < 0 ? `no file ${m.file}` : `its text occurs ${n} times in ${m.file}`}`);
      for (const t of m.tests) if (!existsSync(join(sandbox, t))) invalid.push(`${m.id}: no test file ${t}`);
    }
    if (invalid.length) {
      console.error(`invalid mutants:\n  ${invalid.join('\n  ')}`);
      return 2;
    }

    const allTests = [...new Set(mutants.flatMap((m) => m.tests))].sort();
    console.log(`baseline: ${allTests.length} test files, unmutated…`);
    const base = await runTests(sandbox, allTests, false);
    writeFileSync(join(sandbox, 'mutant-logs', 'baseline.log'), base.log);
    if (!base.ok) {
      console.error(`baseline failed (${base.firstFailure}): a mutant is caught only by tests that pass without it. Log: ${join(sandbox, 'mutant-logs', 'baseline.log')}`);
      values.keep = true;
      return 2;
    }
    console.log(`baseline passes (${base.seconds.toFixed(0)} s)\n`);

    const survivors = [];
    let caught = 0;
    for (const [i, m] of mutants.entries()) {
      const path = join(sandbox, m.file);
      const original = readFileSync(path, 'utf8');
      writeFileSync(path, original.replace(m.find, () => m.replace));
      let r;
      try {
        r = await runTests(sandbox, m.tests, true);
      } finally {
        writeFileSync(path, original);
      }
      writeFileSync(join(sandbox, 'mutant-logs', `${m.id}.log`), r.log);
      const tag = `[${String(i + 1).padStart(String(mutants.length).length)}/${mutants.length}]`;
      if (r.ok) {
        survivors.push(m);
        console.log(`${tag} SURVIVED ${pad(m.id, 34)} ${r.seconds.toFixed(0).padStart(4)} s  ${m.file}: ${m.what}`);
      } else {
        caught++;
        console.log(`${tag} caught   ${pad(m.id, 34)} ${r.seconds.toFixed(0).padStart(4)} s  ${r.firstFailure.slice(0, 140)}`);
      }
    }
    console.log(`\ncaught ${caught}/${mutants.length}`);
    if (survivors.length) {
      console.log(`survivors (logs in ${join(sandbox, 'mutant-logs')}):`);
      for (const m of survivors) console.log(`  ${m.id} — ${m.file}: ${m.what} (tests: ${m.tests.join(', ')})`);
      values.keep = true;
    }
    return survivors.length ? 1 : 0;
  } finally {
    if (values.keep) console.log(`sandbox kept: ${sandbox}`);
    else rmSync(sandbox, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(2);
  },
);
