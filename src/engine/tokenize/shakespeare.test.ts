// The realistic case: tinyshakespeare (1.1 MB), kept outside the repository in
// ../shared/data. Times are printed, not asserted: they depend on the machine and its load.

import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { trainBpe } from './bpe';
import { CharTokenizer } from './char';
import { tokenizerFromJSON } from './from-json';

const repoRoot = new URL('../../../', import.meta.url);
const path = fileURLToPath(new URL('../shared/data/tinyshakespeare.txt', repoRoot));
const exists = existsSync(path);
if (!exists) console.log(`tinyshakespeare tests skipped: ${path} not found`);

/** Runs f, printing wall time and this process's CPU time (steadier on a busy machine). */
function timed<T>(label: string, f: () => T): T {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const result = f();
  const cpu = process.cpuUsage(cpu0);
  const wall = (performance.now() - t0) / 1000;
  console.log(`${label}: ${wall.toFixed(2)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s CPU`);
  return result;
}

describe('tinyshakespeare', () => {
  it.skipIf(!exists)('char tokenizer: 65 symbols, exact round trip', () => {
    const text = readFileSync(path, 'utf8');
    const tok = timed('char: build vocabulary', () => CharTokenizer.fromCorpus(text));
    expect(tok.vocabSize).toBe(65);
    const ids = timed('char: encode 1.1 MB', () => tok.encode(text));
    expect(ids.length).toBe(text.length);
    expect(tok.decode(ids)).toBe(text);
  });

  it.skipIf(!exists)('BPE to vocab 512: trains, round-trips, survives JSON', { timeout: 300_000 }, () => {
    const text = readFileSync(path, 'utf8');
    const tok = timed('bpe: train to vocab 512', () => trainBpe(text, 512));
    expect(tok.vocabSize).toBe(512);
    const ids = timed('bpe: encode 1.1 MB (cold cache)', () => tok.encode(text));
    timed('bpe: encode 1.1 MB (warm cache)', () => tok.encode(text));
    console.log(`bpe: ${text.length} characters → ${ids.length} tokens (${(text.length / ids.length).toFixed(2)} chars/token)`);
    expect(ids.length).toBeLessThan(text.length / 1.5);
    expect(timed('bpe: decode', () => tok.decode(ids))).toBe(text);
    const back = tokenizerFromJSON(JSON.parse(JSON.stringify(tok)));
    expect(back.toJSON()).toEqual(tok.toJSON());
    expect(back.encode(text)).toEqual(ids);
  });
});
