// merge_max_sum of softmax_workgroup.wgsl for a workgroup that is a single subgroup (WG at
// most the adapter's smallest subgroup size): the row max by subgroupMax, then each pair's sum
// rescaled to it and added by subgroupAdd; no workgroup memory, no barrier. Composed with
// `enable subgroups;` (kernels/shaders.ts).

fn merge_max_sum(tid: u32, m: f32, s: f32) -> vec2f {
  let mm = subgroupMax(m);
  return vec2f(mm, subgroupAdd(s * exp(m - mm)));
}
