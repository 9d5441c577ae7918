import { describe, expect, it } from 'vitest';
import { InvalidDemoManifestError, parseDemoManifest } from './demo-manifest';

const entry = (over: Record<string, unknown> = {}) => ({
  id: 'count',
  title: 'Counting stars',
  lookAt: 'Layer 1, head 2 looks back at the number.',
  file: 'count.demo',
  step: 300,
  valLoss: 0.44,
  bytes: 26000,
  ...over,
});
const manifest = (over: Record<string, unknown> = {}) => ({ format: 'gpt-playground/demo-manifest', version: 1, defaultId: 'count', demos: [entry()], ...over });

function rejects(value: unknown, message: RegExp): void {
  let err: unknown = null;
  try {
    parseDemoManifest(value);
  } catch (e) {
    err = e;
  }
  expect(err, `should refuse ${JSON.stringify(value)?.slice(0, 80)}`).toBeInstanceOf(InvalidDemoManifestError);
  expect((err as Error).message).toMatch(message);
}

describe('parseDemoManifest', () => {
  it('reads a valid manifest, with and without a head to enlarge', () => {
    const m = parseDemoManifest(manifest({ demos: [entry({ head: { layer: 0, head: 1 } }), entry({ id: 'copy', file: 'copy.demo', extra: 'ignored' })] }));
    expect(m.defaultId).toBe('count');
    expect(m.demos.map((d) => d.id)).toEqual(['count', 'copy']);
    expect(m.demos[0].head).toEqual({ layer: 0, head: 1 });
    expect(m.demos[1].head).toBeUndefined();
    expect(m.demos[1]).not.toHaveProperty('extra');
  });

  it('refuses what is not a manifest, or one of another version', () => {
    rejects(null, /not a JSON object/);
    rejects([], /not a JSON object/);
    rejects(manifest({ format: 'something-else' }), /not a GPT Playground demo list/);
    rejects(manifest({ version: 2 }), /version 2 is not supported/);
    rejects(manifest({ demos: [] }), /lists no demos/);
    rejects(manifest({ demos: 'count' }), /lists no demos/);
  });

  it('names the entry and the field that is wrong', () => {
    rejects(manifest({ demos: [entry({ id: 'Count!' })] }), /demos\[0\]\.id must be lowercase/);
    rejects(manifest({ demos: [entry({ title: '' })] }), /demos\[0\]\.title must be non-empty text/);
    rejects(manifest({ demos: [entry({ lookAt: 'x'.repeat(301) })] }), /demos\[0\]\.lookAt is longer than 300/);
    rejects(manifest({ demos: [entry({ step: 1.5 })] }), /demos\[0\]\.step must be a whole number/);
    rejects(manifest({ demos: [entry({ valLoss: Number.NaN })] }), /demos\[0\]\.valLoss must be a number/);
    rejects(manifest({ demos: [entry({ bytes: 0 })] }), /demos\[0\]\.bytes must be a whole number ≥ 1/);
    rejects(manifest({ demos: [entry({ head: { layer: -1, head: 0 } })] }), /demos\[0\]\.head\.layer/);
    rejects(manifest({ demos: [entry(), entry({ id: 'copy', file: 'copy.demo', head: 'layer 1' })] }), /demos\[1\]\.head must be/);
  });

  it('only lets a file be the plain name beside the manifest', () => {
    for (const file of ['../secret.demo', 'https://elsewhere.example/count.demo', '/count.demo', 'copy.demo', 'count.json']) {
      rejects(manifest({ demos: [entry({ file })] }), /demos\[0\]\.file must be "count\.demo"/);
    }
  });

  it('refuses an id listed twice and a default that is not listed', () => {
    rejects(manifest({ demos: [entry(), entry()] }), /"count" is listed twice/);
    rejects(manifest({ defaultId: 'copy' }), /defaultId must be the id of a listed demo/);
  });
});
