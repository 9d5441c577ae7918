// The reductions of reduce_workgroup.wgsl, for a workgroup that is a single subgroup (WG at most
// the adapter's smallest subgroup size, so no subgroup can be smaller than the workgroup and
// subgroups never span workgroups): subgroupAdd gives every invocation the same total with
// no workgroup memory and no barrier. Composed with `enable subgroups;` (kernels/shaders.ts).

fn sum_a(lid: u32, v: f32) -> f32 {
  return subgroupAdd(v);
}

fn max_a(lid: u32, v: f32) -> f32 {
  return subgroupMax(v);
}

fn sum_b(lid: u32, v: f32) -> f32 {
  return subgroupAdd(v);
}

fn sum_ab(lid: u32, a: f32, b: f32) -> vec2f {
  return subgroupAdd(vec2f(a, b));
}
