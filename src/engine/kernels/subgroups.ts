// When a one-workgroup-per-row kernel reduces its row with subgroup operations: the device
// has the 'subgroups' feature and reports its subgroup sizes, and the row's workgroup fits in
// one subgroup (WG ≤ the smallest subgroup size: no subgroup can be smaller, and subgroups
// never span workgroups), so one subgroupAdd / subgroupMax covers the whole row.
import type { Gpu } from '../gpu/device';
import type { KernelConfig } from './config';

export interface RowReductionOptions {
  /** Invocations per row; by default the kernel's preference (capped to a subgroup with subgroups). */
  workgroupSize?: number;
  /**
   * Reduce through subgroup operations, with no workgroup memory or barrier. Default: when
   * the kernel configuration says so and an explicit workgroupSize does not exceed the
   * smallest subgroup.
   */
  subgroups?: boolean;
}

export interface RowReduction {
  WG: number;
  subgroups: boolean;
}

/**
 * The workgroup size and reduction of a row kernel: `preferred` invocations (the
 * configuration's), unless opts say otherwise. Whether the device can use subgroups is a fact
 * of the device, read from it; whether to use them is the configuration's choice.
 */
export function rowReduction(what: string, gpu: Gpu, kernelConfig: KernelConfig, preferred: number, opts: RowReductionOptions): RowReduction {
  const minSubgroup = gpu.adapter.subgroupMinSize ?? 0;
  const can = gpu.features.has('subgroups') && minSubgroup > 0;
  const subgroups = opts.subgroups ?? (kernelConfig.subgroups && (opts.workgroupSize === undefined || opts.workgroupSize <= minSubgroup));
  if (subgroups && !can) throw new RangeError(`${what}: this device has no subgroups (or does not report their size)`);
  const WG = opts.workgroupSize ?? (subgroups ? Math.min(preferred, minSubgroup) : preferred);
  if (!Number.isInteger(WG) || WG < 1 || WG > gpu.limits.maxComputeInvocationsPerWorkgroup) {
    throw new RangeError(`${what}: workgroupSize ${WG} is not an integer in 1..${gpu.limits.maxComputeInvocationsPerWorkgroup}`);
  }
  if (subgroups && WG > minSubgroup) {
    throw new RangeError(`${what}: workgroupSize ${WG} exceeds the smallest subgroup (${minSubgroup}); subgroup sums need one subgroup per row`);
  }
  return { WG, subgroups };
}
