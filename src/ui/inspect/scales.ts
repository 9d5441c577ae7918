// The colour scales of the Inspect area, as CSS colours. Strength is carried by alpha over the
// panel (not by lightness), so one scale reads on both the light and the dark theme, and the
// text on a tinted cell keeps the theme's own colour.

/** Surprisal at or above this many bits gets the strongest tint (1 in 256). */
export const MAX_BITS = 8;
/** Ticks of the surprisal legend. */
export const BITS_TICKS = [0, 2, 4, 6, 8] as const;

const clamp01 = (t: number) => Math.min(1, Math.max(0, t));

/**
 * Background of a token surprising the model by `bits`: none for what it expected, a warm
 * tint growing to red at MAX_BITS and beyond; null for a token nothing predicted (NaN).
 */
export function bitsTint(bits: number): string | null {
  if (Number.isNaN(bits)) return null;
  const t = clamp01(bits / MAX_BITS);
  // Yellow-orange for a little surprise, red for a lot; the alpha grows faster at first so
  // that one bit is already visible.
  const hue = 50 - 50 * t;
  const alpha = 0.7 * Math.sqrt(t);
  return `hsl(${hue.toFixed(0)} 90% 55% / ${alpha.toFixed(3)})`;
}

/** CSS gradient of bitsTint from 0 (left) to MAX_BITS (right), for the legend. */
export function bitsGradient(stops = 8): string {
  const parts: string[] = [];
  for (let i = 0; i <= stops; i++) {
    const t = i / stops;
    parts.push(`${bitsTint(t * MAX_BITS)} ${(t * 100).toFixed(1)}%`);
  }
  return `linear-gradient(to right, ${parts.join(', ')})`;
}

/** Background of a cell holding probability p: the accent, stronger with p (capped to keep text readable). */
export function probCellTint(p: number): string {
  const pct = Math.round(clamp01(Number.isFinite(p) ? p : 0) * 45);
  return `color-mix(in srgb, var(--accent) ${pct}%, transparent)`;
}

/**
 * Where p lies between the corrupt run's probability (0) and the clean run's (1), clamped;
 * 0.5 when the two runs agree, as then no patch can be told to restore anything.
 */
export function restoredFraction(p: number, corruptP: number, cleanP: number): number {
  const span = cleanP - corruptP;
  if (!Number.isFinite(p) || !(Math.abs(span) > 1e-9)) return 0.5;
  return clamp01((p - corruptP) / span);
}

const CORRUPT_HUE = 15; // red-orange: as bad as the corrupt run
const CLEAN_HUE = 215; // blue: as good as the clean run

/** A diverging tint: red-orange at 0 (like the corrupt run), none at 0.5, blue at 1 (like the clean run). */
export function divergingTint(t: number): string {
  const x = clamp01(Number.isFinite(t) ? t : 0.5);
  const hue = x < 0.5 ? CORRUPT_HUE : CLEAN_HUE;
  const alpha = 0.75 * Math.abs(x - 0.5) * 2;
  return `hsl(${hue} 75% 52% / ${alpha.toFixed(3)})`;
}

export function divergingGradient(stops = 8): string {
  const parts: string[] = [];
  for (let i = 0; i <= stops; i++) parts.push(`${divergingTint(i / stops)} ${((i / stops) * 100).toFixed(1)}%`);
  return `linear-gradient(to right, ${parts.join(', ')})`;
}
