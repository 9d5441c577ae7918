// Keeps the stat readouts current without re-rendering: a transient metrics-store subscription
// writes each readout's text (and raw value, for tests) straight into its DOM node, at most
// once per animation frame.
import { useLayoutEffect, useRef } from 'react';
import { metricsStore } from '../../state/metrics';
import { computeStats, type StatKey } from './stats';

/** Returns a ref for the element holding the readouts, each marked data-stat="<StatKey>". */
export function useTrainStats<T extends HTMLElement>(maxSteps: number, fallbackStep: number, stalled: boolean) {
  const ref = useRef<T>(null);
  useLayoutEffect(() => {
    const root = ref.current;
    if (!root) return;
    const nodes = [...root.querySelectorAll<HTMLElement>('[data-stat]')].map((el) => [el.dataset.stat as StatKey, el] as const);
    const render = () => {
      const { steps, evals } = metricsStore.getState();
      const stats = computeStats(steps, evals, maxSteps, fallbackStep, stalled);
      for (const [key, el] of nodes) {
        const { text, value } = stats[key];
        if (el.textContent !== text) el.textContent = text;
        el.dataset.value = Number.isFinite(value) ? String(value) : '';
      }
    };
    render();
    let raf = 0;
    const unsubscribe = metricsStore.subscribe((now, before) => {
      // A run sent back to an earlier step (a restore) is written at once: frames can stall
      // for seconds while a new device compiles its kernels, and the step shown must not
      // say the lost one meanwhile. New steps wait for a frame.
      if (now.steps.length < before.steps.length) {
        cancelAnimationFrame(raf);
        raf = 0;
        render();
      } else if (!raf) raf = requestAnimationFrame(() => ((raf = 0), render()));
    });
    return () => {
      cancelAnimationFrame(raf);
      unsubscribe();
    };
  }, [maxSteps, fallbackStep, stalled]);
  return ref;
}
