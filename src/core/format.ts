// Formatting shared by every layer's messages.

const BYTE_UNITS = ['KiB', 'MiB', 'GiB', 'TiB'];

/**
 * Bytes in binary units ("850 B", "1.5 KiB", "200 KiB", "2.5 MiB", "1.5 GiB"): GPU limits and
 * buffer sizes are powers of two, so a 256 MiB limit reads as the round number it is. One
 * decimal below 10 of a unit, none above.
 */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return `${n} B`;
  if (Math.abs(n) < 1024) return `${Math.round(n)} B`;
  let v = n / 1024;
  let u = 0;
  while (Math.abs(v) >= 1024 && u < BYTE_UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  // 9.96 KiB would round to "10.0": print it as the next range does.
  const text = Math.abs(v) < 9.95 ? v.toFixed(1) : v.toFixed(0);
  return `${text} ${BYTE_UNITS[u]}`;
}
