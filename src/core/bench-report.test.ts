import { describe, expect, it } from 'vitest';
import { benchFileName, benchJson, benchMarkdown, formatFigure, modelLabel, profileShares, shareText, sizeText, throughputText } from './bench-report';
import { DEFAULT_CONFIG } from './config';
import type { DeviceBenchReport } from './reports';
import { DEFAULT_TRAIN } from './settings';

const report: DeviceBenchReport = {
  adapter: { description: 'google / swiftshader (software)', isFallback: true, features: ['subgroups', 'timestamp-query'], limits: { maxBufferSize: 2 ** 31, maxStorageBuffersPerShaderStage: 10 } },
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/140.0',
  date: '2025-06-01T12:30:05.123Z',
  shapes: { source: 'default', model: 'L2 H4 C64 T64 B16 V65' },
  kernels: [
    { kernel: 'matmul_forward', size: '1024x64x192', role: 'attention qkv', ms: 0.51234, gflops: 78.61 },
    { kernel: 'layernorm_forward', size: 'BT1024xC64', role: 'layer norm', ms: 0.0213, gbps: 25.2 },
  ],
  training: [{ model: 'L2 H4 C64 T64 B16 V65', params: 105_792, stepMs: 312.5, tokensPerStep: 1024, tokensPerSec: 3276.8, steps: 10 }],
  stepProfile: [
    { kernel: 'matmul_backward', count: 8, ms: 120.4, share: 0.6 },
    { kernel: 'attention|odd', count: 2, ms: 0.00004, share: 0.0004 },
  ],
  timestamps: true,
  stepProfileMs: 210.25,
  seconds: 23.456,
};

describe('numbers', () => {
  it('keeps three significant figures and groups whole numbers from 1,000 up', () => {
    expect(formatFigure(0.51234)).toBe('0.512');
    expect(formatFigure(78.61)).toBe('78.6');
    expect(formatFigure(3276.8)).toBe('3,277');
    expect(formatFigure(0)).toBe('0');
    expect(formatFigure(NaN)).toBe('—');
    expect(formatFigure(null)).toBe('—');
  });

  it('writes throughput in the unit the case measures, sizes with ×, small shares as <0.1%', () => {
    expect(throughputText({ gflops: 12.345 })).toBe('12.3 GFLOP/s');
    expect(throughputText({ gbps: 0.5 })).toBe('0.5 GB/s');
    expect(throughputText({})).toBe('—');
    expect(sizeText('1024x64x192')).toBe('1024×64×192');
    expect(sizeText('BT1024x4C256')).toBe('BT1024×4C256');
    expect(sizeText('BT64xV65')).toBe('BT64×V65');
    expect(sizeText('B16 T64 C64 NH4')).toBe('B16 T64 C64 NH4');
    expect(shareText(0.256)).toBe('25.6%');
    expect(shareText(0.0004)).toBe('<0.1%');
    expect(shareText(0)).toBe('0%');
  });

  it('labels a model by its shapes, accumulation only when there is some', () => {
    expect(modelLabel(DEFAULT_CONFIG, DEFAULT_TRAIN)).toBe('L2 H4 C64 T64 B16 V65');
    expect(modelLabel({ ...DEFAULT_CONFIG, vocabSize: 512 }, { batchSize: 8, blockSize: 32, gradAccumSteps: 4 })).toBe('L2 H4 C64 T32 B8 V512 ×4 accumulated');
  });
});

describe('profileShares', () => {
  it('shares the summed kernel time with timestamps, so that they add up to 1 despite gaps between passes', () => {
    const shares = profileShares({ mode: 'timestamp', totalMs: 10, dispatches: 3, kernels: [{ label: 'a', count: 2, ms: 6 }, { label: 'b', count: 1, ms: 2 }] });
    expect(shares).toEqual([
      { kernel: 'a', count: 2, ms: 6, share: 0.75 },
      { kernel: 'b', count: 1, ms: 2, share: 0.25 },
    ]);
  });

  it('shares the dispatches without timestamps, and is 0 for an empty profile', () => {
    const shares = profileShares({ mode: 'wall', totalMs: 10, dispatches: 4, kernels: [{ label: 'a', count: 3, ms: null }, { label: 'b', count: 1, ms: null }] });
    expect(shares.map((s) => s.share)).toEqual([0.75, 0.25]);
    expect(shares[0].ms).toBeNull();
    expect(profileShares({ mode: 'timestamp', totalMs: 0, dispatches: 0, kernels: [{ label: 'a', count: 1, ms: 0 }] })[0].share).toBe(0);
  });
});

describe('benchMarkdown', () => {
  const md = benchMarkdown(report);
  const lines = md.split('\n');

  it('starts with the adapter, its features and limits, the browser, the date and the shapes', () => {
    expect(lines[0]).toBe('## GPT Playground: device benchmark');
    expect(lines).toContain('- Adapter: google / swiftshader (software) — a software (fallback) adapter');
    expect(lines).toContain('- Features: subgroups, timestamp-query');
    expect(lines).toContain('- Limits: maxBufferSize 2.0 GiB, maxStorageBuffersPerShaderStage 10');
    expect(lines).toContain('- User agent: Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/140.0');
    expect(lines).toContain('- Date: 2025-06-01T12:30:05.123Z');
    expect(lines).toContain('- Shapes: L2 H4 C64 T64 B16 V65 (the default model: none was built)');
    expect(lines).toContain('- Took: 23.5 s');
  });

  it('has a kernels table with time and throughput, right-aligned numbers', () => {
    const at = lines.indexOf('### Kernels');
    expect(lines.slice(at + 2, at + 6)).toEqual([
      '| Kernel | Size | In the model | Time | Throughput |',
      '| --- | --- | --- | ---: | ---: |',
      '| matmul_forward | 1024×64×192 | attention qkv | 0.512 ms | 78.6 GFLOP/s |',
      '| layernorm_forward | BT1024×C64 | layer norm | 0.0213 ms | 25.2 GB/s |',
    ]);
  });

  it('has the training table with tokens/s and ms/step, and the step by kernel with escaped cells', () => {
    expect(md).toContain('| L2 H4 C64 T64 B16 V65 | 105,792 | 1,024 | 10 | 313 | 3,277 |');
    expect(md).toContain('### One training step by kernel (GPU timestamps, 210 ms from first pass to last)');
    expect(md).toContain('| matmul_backward | 8 | 120 ms | 60.0% |');
    expect(md).toContain('| attention\\|odd | 2 | 0.00004 ms | <0.1% |');
    expect(md.endsWith('|\n')).toBe(true);
  });

  it('says so when the profile has no timestamps, and prints no time per kernel', () => {
    const wall = benchMarkdown({ ...report, timestamps: false, stepProfile: [{ kernel: 'k', count: 3, ms: null, share: 1 }] });
    expect(wall).toContain('no timestamp-query: dispatch counts, 210 ms wall time');
    expect(wall).toContain('| k | 3 | — | 100.0% |');
  });

  it('names the model built in the app as such, and a GPU as no fallback', () => {
    const gpu = benchMarkdown({ ...report, adapter: { ...report.adapter, description: 'nvidia / ampere', isFallback: false }, shapes: { source: 'model', model: 'L4 H4 C128 T64 B8 V65' } });
    expect(gpu).toContain('- Adapter: nvidia / ampere\n');
    expect(gpu).toContain('- Shapes: L4 H4 C128 T64 B8 V65 (the model built in the app)');
  });
});

describe('benchJson', () => {
  it('is the report, pretty-printed, ending in a newline', () => {
    const json = benchJson(report);
    expect(JSON.parse(json)).toEqual(report);
    expect(json).toContain('\n  "adapter": {\n');
    expect(json.endsWith('}\n')).toBe(true);
  });

  it('names its file after the date, without colons', () => {
    expect(benchFileName(report)).toBe('gpt-playground-benchmark-2025-06-01T12-30-05.json');
  });
});
