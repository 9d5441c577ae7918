// Canvas plumbing shared by the heatmaps and the mask: a backing store sized in device pixels
// (so cells stay crisp on high-DPI screens), redrawn when the element resizes, when the
// device-pixel ratio changes (zoom, a move to another screen) and when the colour scheme flips
// (the drawings read the theme's CSS variables).
import { useLayoutEffect, useRef, useState, type RefObject } from 'react';
import { fillPixels } from './colormap';
import { devicePixels } from './layout';

/** Draws into a context whose canvas is `w` × `h` device pixels at ratio `dpr`. */
export type Draw = (ctx: CanvasRenderingContext2D, w: number, h: number, dpr: number) => void;

/**
 * A ref for a <canvas> that `draw` paints whenever it changes or the canvas needs a redraw.
 * Memoise `draw` (useCallback) on what it shows, or it repaints on every render.
 */
export function useCanvas(draw: Draw) {
  const ref = useRef<HTMLCanvasElement | null>(null);
  const drawRef = useRef(draw);
  const paintRef = useRef<(() => void) | null>(null);

  // Resize, zoom and theme: set up once per canvas element.
  useLayoutEffect(() => {
    const canvas = ref.current;
    if (!canvas) return;
    let last: [number, number] | null = null; // the size the observer last reported
    const paint = (w?: number, h?: number) => {
      const dpr = window.devicePixelRatio || 1;
      if (w !== undefined && h !== undefined) last = [w, h];
      const width = last?.[0] ?? devicePixels(canvas.clientWidth, dpr);
      const height = last?.[1] ?? devicePixels(canvas.clientHeight, dpr);
      if (canvas.width !== width) canvas.width = width;
      if (canvas.height !== height) canvas.height = height;
      const ctx = canvas.getContext('2d');
      if (ctx) drawRef.current(ctx, width, height, dpr);
    };
    const ro = new ResizeObserver(([entry]) => {
      const dpr = window.devicePixelRatio || 1;
      const w = entry.contentRect.width * dpr;
      const h = entry.contentRect.height * dpr;
      // The exact device-pixel box where the browser reports it (Chrome) avoids blurry half
      // pixels; it is ignored when it disagrees with the ratio (emulated device scales).
      const box = entry.devicePixelContentBoxSize?.[0];
      const exact = box && Math.abs(box.inlineSize - w) <= 1 && Math.abs(box.blockSize - h) <= 1;
      if (exact) paint(Math.max(1, box.inlineSize), Math.max(1, box.blockSize));
      else paint(devicePixels(entry.contentRect.width, dpr), devicePixels(entry.contentRect.height, dpr));
    });
    try {
      ro.observe(canvas, { box: 'device-pixel-content-box' });
    } catch {
      ro.observe(canvas); // Safari: no device-pixel box; paint() derives it from the ratio
    }
    const scheme = window.matchMedia('(prefers-color-scheme: dark)');
    const onScheme = () => paint();
    scheme.addEventListener('change', onScheme);
    // A ratio change without a CSS resize (zoom, another screen) in browsers whose observer
    // does not report device pixels: a media query on the current ratio fires when it changes.
    let ratio: MediaQueryList | null = null;
    const onRatio = () => {
      last = null;
      paint();
      watchRatio();
    };
    const watchRatio = () => {
      ratio?.removeEventListener('change', onRatio);
      ratio = window.matchMedia(`(resolution: ${window.devicePixelRatio || 1}dppx)`);
      ratio.addEventListener('change', onRatio);
    };
    watchRatio();
    paintRef.current = () => paint();
    return () => {
      paintRef.current = null;
      ro.disconnect();
      scheme.removeEventListener('change', onScheme);
      ratio?.removeEventListener('change', onRatio);
    };
  }, []);

  // New content: repaint at the current size.
  useLayoutEffect(() => {
    drawRef.current = draw;
    paintRef.current?.();
  }, [draw]);

  return ref;
}

/** A CSS variable of the element's theme, e.g. cssVar(canvas, '--accent'). */
export function cssVar(el: Element, name: string, fallback: string): string {
  return getComputedStyle(el).getPropertyValue(name).trim() || fallback;
}

/** One T×T map as a T×T-pixel image, one pixel per cell, to be scaled up without smoothing. */
export function mapImage(map: ArrayLike<number>, T: number): HTMLCanvasElement {
  const img = document.createElement('canvas');
  img.width = T;
  img.height = T;
  const ctx = img.getContext('2d');
  if (ctx) {
    const data = ctx.createImageData(T, T);
    fillPixels(data.data, map, 0, T);
    ctx.putImageData(data, 0, 0);
  }
  return img;
}

/** Paints `img` over the whole canvas with hard cell edges. */
export function drawCrisp(ctx: CanvasRenderingContext2D, img: CanvasImageSource, w: number, h: number): void {
  ctx.imageSmoothingEnabled = false;
  ctx.clearRect(0, 0, w, h);
  ctx.drawImage(img, 0, 0, w, h);
}

/** Outlines cells (row, col) of a T×T map: dark then light, visible on every colour of the map. */
export function outlineCell(ctx: CanvasRenderingContext2D, row: number, col: number, T: number, w: number, h: number, dpr: number, rowOnly = false): void {
  const x0 = rowOnly ? 0 : Math.round((col * w) / T);
  const x1 = rowOnly ? w : Math.round(((col + 1) * w) / T);
  const y0 = Math.round((row * h) / T);
  const y1 = Math.round(((row + 1) * h) / T);
  // Both strokes centred 1.5 CSS px inside the cell: a white line on a black band.
  const inset = 1.5 * dpr;
  for (const [colour, width] of [['#000', 3], ['#fff', 1.25]] as const) {
    ctx.lineWidth = width * dpr;
    ctx.strokeStyle = colour;
    ctx.strokeRect(x0 + inset, y0 + inset, Math.max(1, x1 - x0 - 2 * inset), Math.max(1, y1 - y0 - 2 * inset));
  }
}

/**
 * The content width of an element, measured before the first paint (no visible jump) and
 * again whenever it resizes; layouts that depend on it are computed from this number.
 */
export function useElementWidth(ref: RefObject<HTMLElement | null>): number {
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    setWidth(el.clientWidth);
    const ro = new ResizeObserver(([entry]) => setWidth(Math.round(entry.contentRect.width)));
    ro.observe(el);
    return () => ro.disconnect();
  }, [ref]);
  return width;
}
