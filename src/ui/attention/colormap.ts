// A perceptually uniform colour map for attention weights: viridis, rebuilt from nine anchor
// colours with interpolation in OKLab. Interpolating in sRGB would bend lightness between the
// anchors; OKLab keeps equal steps of weight looking like equal steps of brightness, and
// viridis stays readable in grey scale and for the common colour-vision deficiencies.

export type Rgb = readonly [number, number, number];
export type Oklab = readonly [number, number, number];

/** Viridis sampled at 0, 1/8, …, 1 (matplotlib's map), as 8-bit sRGB. */
const VIRIDIS_ANCHORS: readonly Rgb[] = [
  [0x44, 0x01, 0x54],
  [0x47, 0x2c, 0x7a],
  [0x3b, 0x51, 0x8b],
  [0x2c, 0x71, 0x8e],
  [0x21, 0x90, 0x8d],
  [0x27, 0xad, 0x81],
  [0x5c, 0xc8, 0x63],
  [0xaa, 0xdc, 0x32],
  [0xfd, 0xe7, 0x25],
];

/** Colour of a weight that is not a number (a diverged model): a neutral grey, outside the map. */
export const NOT_A_NUMBER_RGB: Rgb = [128, 128, 128];

const toLinear = (c: number): number => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
const fromLinear = (c: number): number => (c <= 0.0031308 ? 12.92 * c : 1.055 * c ** (1 / 2.4) - 0.055);

/** 8-bit sRGB → OKLab (Björn Ottosson's matrices). */
export function rgbToOklab([r8, g8, b8]: Rgb): Oklab {
  const r = toLinear(r8 / 255);
  const g = toLinear(g8 / 255);
  const b = toLinear(b8 / 255);
  const l = Math.cbrt(0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b);
  const m = Math.cbrt(0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b);
  const s = Math.cbrt(0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b);
  return [
    0.2104542553 * l + 0.793617785 * m - 0.0040720468 * s,
    1.9779984951 * l - 2.428592205 * m + 0.4505937099 * s,
    0.0259040371 * l + 0.7827717662 * m - 0.808675766 * s,
  ];
}

/** OKLab → 8-bit sRGB, clipped to the gamut. */
export function oklabToRgb([L, a, bb]: Oklab): Rgb {
  const l = (L + 0.3963377774 * a + 0.2158037573 * bb) ** 3;
  const m = (L - 0.1055613458 * a - 0.0638541728 * bb) ** 3;
  const s = (L - 0.0894841775 * a - 1.291485548 * bb) ** 3;
  const to8 = (c: number) => Math.round(Math.min(1, Math.max(0, fromLinear(c))) * 255);
  return [
    to8(4.0767416621 * l - 3.3077115913 * m + 0.2309699292 * s),
    to8(-1.2684380046 * l + 2.6097574011 * m - 0.3413193965 * s),
    to8(-0.0041960863 * l - 0.7034186147 * m + 1.707614701 * s),
  ];
}

const ANCHORS_LAB = VIRIDIS_ANCHORS.map(rgbToOklab);

/** Viridis at t in [0, 1] (clamped) in OKLab, before rounding to 8 bits. */
export function viridisLab(t: number): Oklab {
  const x = Math.min(1, Math.max(0, t)) * (ANCHORS_LAB.length - 1);
  const i = Math.min(ANCHORS_LAB.length - 2, Math.floor(x));
  const f = x - i;
  const a = ANCHORS_LAB[i];
  const b = ANCHORS_LAB[i + 1];
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
}

/** Viridis at t in [0, 1] (clamped) as 8-bit sRGB; a non-finite t gets NOT_A_NUMBER_RGB. */
export const viridis = (t: number): Rgb => (Number.isFinite(t) ? oklabToRgb(viridisLab(t)) : NOT_A_NUMBER_RGB);

/** Entries in the lookup table: one per 8-bit level is as fine as a screen can show. */
export const LUT_SIZE = 256;

/** The map as RGBA bytes, LUT_SIZE entries: per-pixel lookups stay cheap for big maps. */
export function buildLut(size = LUT_SIZE): Uint8ClampedArray {
  const lut = new Uint8ClampedArray(size * 4);
  for (let i = 0; i < size; i++) {
    const [r, g, b] = viridis(i / (size - 1));
    lut.set([r, g, b, 255], i * 4);
  }
  return lut;
}

let sharedLut: Uint8ClampedArray | null = null;
/** The one table the canvases share, built on first use. */
export const viridisLut = (): Uint8ClampedArray => (sharedLut ??= buildLut());

/** Index into a LUT of `size` entries for weight t; -1 for a non-finite t. */
export function lutIndex(t: number, size = LUT_SIZE): number {
  if (!Number.isFinite(t)) return -1;
  return Math.round(Math.min(1, Math.max(0, t)) * (size - 1));
}

/**
 * Writes a T×T block of weights (row-major, starting at `offset` in `data`) into RGBA pixels,
 * one pixel per cell, so the canvas can scale it up without smoothing.
 */
export function fillPixels(out: Uint8ClampedArray, data: ArrayLike<number>, offset: number, T: number, lut = viridisLut()): void {
  const size = lut.length / 4;
  for (let i = 0; i < T * T; i++) {
    const k = lutIndex(data[offset + i], size);
    const o = i * 4;
    if (k < 0) {
      out[o] = NOT_A_NUMBER_RGB[0];
      out[o + 1] = NOT_A_NUMBER_RGB[1];
      out[o + 2] = NOT_A_NUMBER_RGB[2];
    } else {
      out[o] = lut[k * 4];
      out[o + 1] = lut[k * 4 + 1];
      out[o + 2] = lut[k * 4 + 2];
    }
    out[o + 3] = 255;
  }
}

export const cssRgb = ([r, g, b]: Rgb): string => `rgb(${r} ${g} ${b})`;

/** WCAG relative luminance of an 8-bit sRGB colour. */
export function relativeLuminance([r, g, b]: Rgb): number {
  return 0.2126 * toLinear(r / 255) + 0.7152 * toLinear(g / 255) + 0.0722 * toLinear(b / 255);
}

/** WCAG contrast ratio between two colours (1 … 21). */
export function contrastRatio(x: Rgb, y: Rgb): number {
  const a = relativeLuminance(x);
  const b = relativeLuminance(y);
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}

const BLACK: Rgb = [0, 0, 0];
const WHITE: Rgb = [255, 255, 255];

/** Black or white, whichever reads better on `bg`: text on a tinted token chip. */
export const textOn = (bg: Rgb): Rgb => (contrastRatio(bg, BLACK) >= contrastRatio(bg, WHITE) ? BLACK : WHITE);

/** A CSS gradient of the map from 0 (left) to 1 (right), for the legend bar. */
export function cssGradient(stops = 17): string {
  const parts: string[] = [];
  for (let i = 0; i < stops; i++) {
    const t = i / (stops - 1);
    parts.push(`${cssRgb(viridis(t))} ${(t * 100).toFixed(2)}%`);
  }
  return `linear-gradient(to right, ${parts.join(', ')})`;
}
