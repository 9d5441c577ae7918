// "Benchmark this device": the last report, the run's progress and the action that asks the
// worker for one. `?benchSteps=N` in the address cuts the timed training steps to N (a test
// and a quick look on a slow machine).
import type { StateCreator } from 'zustand';
import type { DeviceBenchReport } from '../../core/reports';
import { engine } from '../engine';
import { asWire, type AppState } from '../types';

export interface BenchmarkSlice {
  benchmark: DeviceBenchReport | null;
  benchmarkBusy: boolean;
  /** The running benchmark's last 'progress' event (routed here by connectEngineEvents). */
  benchmarkProgress: { fraction: number; message: string } | null;
  benchmarkError: string | null;
  runBenchmark: () => Promise<void>;
}

/** The most timed steps `?benchSteps=` may ask for (the worker's limit). */
const MAX_BENCH_STEPS = 1000;

/** Timed training steps from the address (`?benchSteps=3`); null when absent or not a whole number in 1..1000. */
export function parseBenchSteps(search: string): number | null {
  const raw = new URLSearchParams(search).get('benchSteps');
  if (raw === null || !/^\d+$/.test(raw)) return null;
  const n = Number(raw);
  return n >= 1 && n <= MAX_BENCH_STEPS ? n : null;
}

export const createBenchmarkSlice: StateCreator<AppState, [], [], BenchmarkSlice> = (set, get) => ({
  benchmark: null,
  benchmarkBusy: false,
  benchmarkProgress: null,
  benchmarkError: null,
  runBenchmark: async () => {
    if (get().benchmarkBusy) return;
    set({ benchmarkBusy: true, benchmarkError: null, benchmarkProgress: { fraction: 0, message: 'Starting' } });
    try {
      const steps = typeof location === 'undefined' ? null : parseBenchSteps(location.search);
      set({ benchmark: await engine().request('benchmark', steps === null ? {} : { steps }) });
    } catch (e) {
      set({ benchmarkError: asWire(e).message });
    } finally {
      set({ benchmarkBusy: false, benchmarkProgress: null });
    }
  },
});
