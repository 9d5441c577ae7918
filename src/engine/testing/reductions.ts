// The row kernels reduce through subgroup operations when the device has them, through
// workgroup memory otherwise (kernel configuration `subgroups`). Model-level tests run both
// where both exist, so that neither library goes untested on a device with subgroups.

/** [label, config] for the device's configuration and, when it uses subgroups, the same on workgroup reductions. */
export function bothReductions<T extends { readonly subgroups: boolean }>(config: T): [string, T][] {
  const workgroup: [string, T] = ['workgroup reductions', { ...config, subgroups: false }];
  return config.subgroups ? [['subgroup reductions', config], workgroup] : [workgroup];
}
