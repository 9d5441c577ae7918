// A benchmark case: builds its dispatches once, then the harness replays them and reports
// GFLOP/s (when `flops` is given) or GB/s (when `bytes` is given).
import type { Gpu } from '../gpu/device';
import type { Dispatch } from '../gpu/dispatch';
import type { KernelConfig } from '../kernels/config';

export interface BenchSetup {
  /** The dispatches one run of the kernel needs (replayed as a whole). */
  dispatches: Dispatch[];
  /** Floating-point operations per run (2·M·N·K for a matmul). */
  flops?: number;
  /** Bytes read + written per run, for memory-bound kernels. */
  bytes?: number;
  /** Frees what setup allocated. */
  dispose?: () => void;
}

export interface BenchCase {
  /** Kernel family and entry point, e.g. 'matmul_forward'. */
  kernel: string;
  /** Size label, e.g. '256x256x256'. */
  size: string;
  /**
   * Name of the case (`kernel size`) this one is measured against; the report prints
   * baseline time / this time as a ratio (e.g. the tiled matmul against the plain one).
   */
  baseline?: string;
  /** Builds the case on `gpu` with the device's kernel configuration (or the one the case forces). */
  setup(gpu: Gpu, kernelConfig: KernelConfig): Promise<BenchSetup>;
}

export const caseName = (c: Pick<BenchCase, 'kernel' | 'size'>): string => `${c.kernel} ${c.size}`;
