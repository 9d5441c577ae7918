// Pure helpers behind the profiler panel: the report turned into table rows with each
// kernel's share, and the numbers written the same way everywhere.
import { profileShares, shareText } from '../../core/bench-report';
import type { ProfileMode, ProfileReport } from '../../core/reports';

export interface ProfileRow {
  label: string;
  count: number;
  ms: number | null;
  /** 0..1: of the summed kernel time ('timestamp') or of the dispatches ('wall'). */
  share: number;
  timeText: string;
  shareText: string;
}

export function modeText(mode: ProfileMode): string {
  return mode === 'timestamp' ? 'GPU timestamps' : 'no timestamp-query: dispatch counts and wall time';
}

/** Milliseconds with about three significant digits; '—' when unknown. */
export function formatMs(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '—';
  if (ms === 0) return '0 ms';
  if (ms < 0.01) return '<0.01 ms';
  if (ms < 10) return `${ms.toFixed(2)} ms`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  return `${Math.round(ms).toLocaleString('en')} ms`;
}

/** A share as a percentage; a small non-zero share never reads as 0%. */
export const formatShare = shareText;

/**
 * Table rows in the report's order. Shares are of the summed kernel time rather than of
 * totalMs, which also holds the gaps between passes, so that the bars add up to 100%.
 */
export function profileRows(report: ProfileReport): ProfileRow[] {
  return profileShares(report).map((k) => ({ label: k.kernel, count: k.count, ms: k.ms, share: k.share, timeText: formatMs(k.ms), shareText: formatShare(k.share) }));
}

/** One sentence for screen readers and the panel's summary line. */
export function summaryText(report: ProfileReport): string {
  const n = report.dispatches;
  const kinds = report.kernels.length;
  const what = `${n.toLocaleString('en')} dispatch${n === 1 ? '' : 'es'} of ${kinds} kernel${kinds === 1 ? '' : 's'}`;
  const time = report.mode === 'timestamp' ? `${formatMs(report.totalMs)} on the GPU` : `${formatMs(report.totalMs)} wall time`;
  const top = report.kernels[0];
  const lead = top ? `; ${report.mode === 'timestamp' ? 'slowest' : 'most frequent'}: ${top.label}` : '';
  return `${what}, ${time}${lead}.`;
}
