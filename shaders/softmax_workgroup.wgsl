// Merging each invocation's running softmax pair (max m, Σ exp(x − m)) over a workgroup of WG
// invocations (a power of two) by a tree in the kernel's wg_max / wg_sum slots: a fixed order,
// so deterministic. Every invocation gets the merged pair. Call in uniform control flow.
// Functions only (crossentropy.wgsl defines WG, wg_max and wg_sum); softmax_subgroup.wgsl has
// the same function for devices with subgroups.

fn merge_max_sum(tid: u32, m: f32, s: f32) -> vec2f {
  wg_max[tid] = m;
  wg_sum[tid] = s;
  for (var stride = WG / 2u; stride > 0u; stride /= 2u) {
    workgroupBarrier();
    if (tid < stride) {
      let m1 = wg_max[tid];
      let m2 = wg_max[tid + stride];
      let mm = max(m1, m2);
      wg_sum[tid] = wg_sum[tid] * exp(m1 - mm) + wg_sum[tid + stride] * exp(m2 - mm);
      wg_max[tid] = mm;
    }
  }
  workgroupBarrier();
  let result = vec2f(wg_max[0], wg_sum[0]);
  // The slots are reused by the next call of a caller looping over rows.
  workgroupBarrier();
  return result;
}
