// The device benchmark's report as text to paste into a bug report or compare with another
// machine's: Markdown (a header naming the adapter, browser and date, then one table per
// measurement) and pretty JSON. The numbers are written here once, for the copies and for
// the Device tab's tables alike.
import type { GPTConfig } from './config';
import { formatBytes } from './format';
import type { DeviceBenchKernel, DeviceBenchReport, DeviceBenchStepKernel, ProfileReport } from './reports';
import type { TrainSettings } from './settings';

const NONE = '—';

/** Three significant figures, whole numbers (grouped by thousands) from 1,000 up; '—' when missing. */
export function formatFigure(x: number | null | undefined): string {
  if (x == null || !Number.isFinite(x)) return NONE;
  if (Math.abs(x) >= 1000) return Math.round(x).toLocaleString('en-US');
  if (x === 0) return '0';
  return String(Number(x.toPrecision(3)));
}

export const formatBenchMs = (ms: number | null | undefined): string => (ms == null || !Number.isFinite(ms) ? NONE : `${formatFigure(ms)} ms`);

/** GFLOP/s for compute-bound cases, GB/s for memory-bound ones. */
export function throughputText(k: Pick<DeviceBenchKernel, 'gflops' | 'gbps'>): string {
  if (k.gflops !== undefined) return `${formatFigure(k.gflops)} GFLOP/s`;
  if (k.gbps !== undefined) return `${formatFigure(k.gbps)} GB/s`;
  return NONE;
}

/** A case's size label with × between dimensions: '1024x64x192' → '1024×64×192', 'BT1024xC64' → 'BT1024×C64'. */
export const sizeText = (size: string): string => size.replace(/(?<=\d)x(?=[\dA-Z])/g, '×');

/** A share as a percentage; a small non-zero share never reads as 0%. */
export function shareText(share: number): string {
  if (!Number.isFinite(share) || share <= 0) return '0%';
  if (share < 0.001) return '<0.1%';
  return `${(share * 100).toFixed(1)}%`;
}

/** A model's shapes in one label: layers, heads, width, block, batch, vocabulary (and accumulation). */
export function modelLabel(config: GPTConfig, settings: Pick<TrainSettings, 'batchSize' | 'blockSize' | 'gradAccumSteps'>): string {
  const accum = settings.gradAccumSteps > 1 ? ` ×${settings.gradAccumSteps} accumulated` : '';
  return `L${config.nLayer} H${config.nHead} C${config.nEmbd} T${settings.blockSize} B${settings.batchSize} V${config.vocabSize}${accum}`;
}

/**
 * Each kernel of a profile with its share: of the summed kernel time with timestamps (rather
 * than of totalMs, which also holds the gaps between passes, so that the shares add up to 1),
 * of the dispatches without them.
 */
export function profileShares(report: ProfileReport): DeviceBenchStepKernel[] {
  const timed = report.mode === 'timestamp';
  const whole = timed ? report.kernels.reduce((a, k) => a + (k.ms ?? 0), 0) : report.dispatches;
  return report.kernels.map((k) => {
    const part = timed ? (k.ms ?? 0) : k.count;
    return { kernel: k.label, count: k.count, ms: k.ms, share: whole > 0 ? part / whole : 0 };
  });
}

/** A Markdown table cell: pipes escaped, line breaks flattened. */
const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');

function table(head: readonly string[], align: readonly ('left' | 'right')[], rows: readonly string[][]): string {
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(' | ')} |`;
  return [line(head), `| ${align.map((a) => (a === 'right' ? '---:' : '---')).join(' | ')} |`, ...rows.map(line)].join('\n');
}

/** A limit as the browser reports it: sizes in binary units, counts as they are. */
const limitText = (key: string, value: number): string => (/Size$|Alignment$/.test(key) ? formatBytes(value) : value.toLocaleString('en-US'));

export function benchMarkdown(r: DeviceBenchReport): string {
  const limits = Object.entries(r.adapter.limits).map(([k, v]) => `${k} ${limitText(k, v)}`);
  const header = [
    '## GPT Playground: device benchmark',
    '',
    `- Adapter: ${r.adapter.description}${r.adapter.isFallback ? ' — a software (fallback) adapter' : ''}`,
    `- Features: ${r.adapter.features.length ? r.adapter.features.join(', ') : 'none beyond the core'}`,
    ...(limits.length ? [`- Limits: ${limits.join(', ')}`] : []),
    `- User agent: ${r.userAgent}`,
    `- Date: ${r.date}`,
    `- Shapes: ${r.shapes.model} (${r.shapes.source === 'model' ? 'the model built in the app' : 'the default model: none was built'})`,
    `- Took: ${formatFigure(r.seconds)} s`,
  ];
  const kernels = table(
    ['Kernel', 'Size', 'In the model', 'Time', 'Throughput'],
    ['left', 'left', 'left', 'right', 'right'],
    r.kernels.map((k) => [k.kernel, sizeText(k.size), k.role, formatBenchMs(k.ms), throughputText(k)]),
  );
  const training = table(
    ['Model', 'Parameters', 'Tokens/step', 'Steps timed', 'ms/step', 'Tokens/s'],
    ['left', 'right', 'right', 'right', 'right', 'right'],
    r.training.map((t) => [t.model, t.params.toLocaleString('en-US'), t.tokensPerStep.toLocaleString('en-US'), String(t.steps), formatFigure(t.stepMs), formatFigure(t.tokensPerSec)]),
  );
  const how = r.timestamps ? `GPU timestamps, ${formatBenchMs(r.stepProfileMs)} from first pass to last` : `no timestamp-query: dispatch counts, ${formatBenchMs(r.stepProfileMs)} wall time`;
  const profile = table(
    ['Kernel', 'Dispatches', 'Time', 'Share'],
    ['left', 'right', 'right', 'right'],
    r.stepProfile.map((k) => [k.kernel, String(k.count), formatBenchMs(k.ms), shareText(k.share)]),
  );
  return [
    header.join('\n'),
    `### Kernels\n\n${kernels}`,
    `### Training\n\n${training}`,
    `### One training step by kernel (${how})\n\n${profile}`,
  ].join('\n\n') + '\n';
}

export const benchJson = (r: DeviceBenchReport): string => `${JSON.stringify(r, null, 2)}\n`;

/** 'gpt-playground-benchmark-2025-06-01T12-30-05.json': sortable, and valid on every file system. */
export const benchFileName = (r: DeviceBenchReport): string => `gpt-playground-benchmark-${r.date.slice(0, 19).replace(/:/g, '-')}.json`;
