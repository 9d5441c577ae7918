// Workgroup reductions for kernels with one workgroup of WG invocations per row
// (layernorm.wgsl, attention_decode.wgsl): sum_a, max_a, sum_b and sum_ab, every invocation
// getting the same result. Functions only; the
// kernel defines WG. reduce_subgroup.wgsl has the same functions for devices with subgroups.
//
var<workgroup> red_a: array<f32, WG>;
var<workgroup> red_b: array<f32, WG>;

// One barrier each: every invocation stores its partial, then every invocation adds all WG
// partials itself, in the same order (so all get the same, deterministic
// total). A tree needs log2(WG) + 1 barriers, which cost more than WG reads of broadcast
// values (the tree measured about twice as slow on SwiftShader). red_a and red_b alternate,
// so a reduction never overwrites partials another invocation may still be reading: no
// barrier is needed after a sum as long as two reductions into the same array are separated
// by the barrier of a reduction into the other (a workgroup handles one row).
fn sum_a(lid: u32, v: f32) -> f32 {
  red_a[lid] = v;
  workgroupBarrier();
  var s = 0.0;
  for (var i = 0u; i < WG; i++) {
    s += red_a[i];
  }
  return s;
}

fn max_a(lid: u32, v: f32) -> f32 {
  red_a[lid] = v;
  workgroupBarrier();
  var s = red_a[0];
  for (var i = 1u; i < WG; i++) {
    s = max(s, red_a[i]);
  }
  return s;
}

fn sum_b(lid: u32, v: f32) -> f32 {
  red_b[lid] = v;
  workgroupBarrier();
  var s = 0.0;
  for (var i = 0u; i < WG; i++) {
    s += red_b[i];
  }
  return s;
}

// Both at once, sharing the barrier.
fn sum_ab(lid: u32, a: f32, b: f32) -> vec2f {
  red_a[lid] = a;
  red_b[lid] = b;
  workgroupBarrier();
  var s = vec2f(0.0);
  for (var i = 0u; i < WG; i++) {
    s += vec2f(red_a[i], red_b[i]);
  }
  return s;
}
