// requires: reduce_workgroup.wgsl
// Attention for ONE new position against the KV cache, for generation: the query is row t
// of the cache (t = step_pos[0], written once per token so one prepared dispatch serves every
// step), keys and values are rows 0..t. Causal by construction. One workgroup per head:
// scores into workgroup memory, a max/sum reduction (max_a and sum_b of reduce_workgroup.wgsl,
// or of reduce_subgroup.wgsl when the workgroup is one subgroup), then each invocation sums
// its output channels over the keys. Deterministic, no atomics.

struct Params {
  T: u32,  // rows in the cache (the block size)
  C: u32,
  NH: u32,
  hs: u32,
  scale: f32,
}

@group(0) @binding(0) var<storage, read_write> out: array<f32>;  // (1, C)
@group(0) @binding(1) var<storage, read> cache: array<f32>;      // (T, 3C): q | k | v per row
@group(0) @binding(2) var<uniform> p: Params;
@group(0) @binding(3) var<storage, read> step_pos: array<u32>;   // [t]

override WG: u32 = 64;
override MAX_T: u32 = 256;  // the block size; workgroup memory holds one score per key

var<workgroup> scores: array<f32, MAX_T>;
@compute @workgroup_size(WG)
fn attention_decode(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid3: vec3u) {
  let h = wid.x;
  let lid = lid3.x;
  let t = min(step_pos[0], p.T - 1u);
  let C3 = 3u * p.C;
  let qoff = t * C3 + h * p.hs;
  // 1. scores s_j = q·k_j·scale for j ≤ t
  var local_max = -3.402823e38;
  for (var j = lid; j <= t; j += WG) {
    let koff = j * C3 + p.C + h * p.hs;
    var s = 0.0;
    for (var d = 0u; d < p.hs; d++) {
      s += cache[qoff + d] * cache[koff + d];
    }
    s *= p.scale;
    scores[j] = s;
    local_max = max(local_max, s);
  }
  let m = max_a(lid, local_max);
  // 2. unnormalised probabilities and their sum
  var local_sum = 0.0;
  for (var j = lid; j <= t; j += WG) {
    let e = exp(scores[j] - m);
    scores[j] = e;
    local_sum += e;
  }
  let total = sum_b(lid, local_sum);
  workgroupBarrier(); // every invocation's scores written before any reads them all
  // 3. out[h·hs + d] = Σ_j p_j v_j[d], one channel per invocation (strided)
  for (var d = lid; d < p.hs; d += WG) {
    var acc = 0.0;
    for (var j = 0u; j <= t; j++) {
      acc += scores[j] * cache[j * C3 + 2u * p.C + h * p.hs + d];
    }
    out[h * p.hs + d] = acc / total;
  }
}
