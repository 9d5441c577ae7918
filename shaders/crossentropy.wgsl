// requires: softmax_workgroup.wgsl
// Fused softmax cross-entropy. One workgroup per row of logits: each invocation folds its
// strided share of the row into a running (max, Σ exp(x − max)) pair in one pass (online
// softmax), then the pairs are merged (merge_max_sum: a tree in workgroup memory from
// softmax_workgroup.wgsl, or subgroup operations from softmax_subgroup.wgsl when the row's
// workgroup is one subgroup). The fixed merge order makes the result deterministic;
// subtracting the max keeps exp() finite for any logits.

struct Params {
  rows: u32,
  V: u32,
  scale: f32, // crossentropy_backward: dlogits = (softmax − onehot) · scale
}

@group(0) @binding(0) var<storage, read_write> out: array<f32>;    // losses (rows) or dlogits (rows, V)
@group(0) @binding(1) var<storage, read> logits: array<f32>;       // (rows, V)
@group(0) @binding(2) var<storage, read> targets: array<u32>;      // (rows)
@group(0) @binding(3) var<uniform> p: Params;

// crossentropy_mean: (1) ← mean of (n) losses; n is Params.rows
@group(0) @binding(1) var<storage, read> losses: array<f32>;

override WG: u32 = 128; // a power of two (tree reduction)

// −FLT_MAX rather than −inf (a constant −inf is a compile error): exp(−FLT_MAX − m) is 0.
const LOWEST: f32 = -3.4028234663852886e38;

// The tree's slots (merge_max_sum of softmax_workgroup.wgsl, and crossentropy_mean).
var<workgroup> wg_max: array<f32, WG>;
var<workgroup> wg_sum: array<f32, WG>;

fn row_index(wid: vec3u, nwg: vec3u) -> u32 {
  return wid.x + wid.y * nwg.x;
}

// A quiet NaN. Built from a runtime value because a constant NaN is a WGSL compile error.
fn nan_f32(x: u32) -> f32 {
  return bitcast<f32>(0x7fc00000u | (x & 1u));
}

// Max and Σ exp(x − max) over logits[base .. base + V), shared by the whole workgroup.
// Must be called in uniform control flow (it has barriers).
fn row_max_sum(base: u32, tid: u32) -> vec2f {
  var m = LOWEST;
  var s = 0.0;
  for (var v = tid; v < p.V; v += WG) {
    let x = logits[base + v];
    if (x > m) {
      s = s * exp(m - x) + 1.0;
      m = x;
    } else {
      s += exp(x - m);
    }
  }
  return merge_max_sum(tid, m, s);
}

// losses[row] = log Σ exp(logits[row, :]) − logits[row, target]; NaN for a target ≥ V.
@compute @workgroup_size(WG)
fn crossentropy_forward(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u,
                        @builtin(num_workgroups) nwg: vec3u) {
  let row = row_index(wid, nwg);
  if (row >= p.rows) {
    return; // uniform: the whole workgroup leaves
  }
  let base = row * p.V;
  let ms = row_max_sum(base, lid.x);
  if (lid.x == 0u) {
    let tgt = targets[row];
    if (tgt < p.V) {
      // (max − target) first: exact when they are close, so a confident row's small loss
      // does not inherit the rounding of a large max.
      out[row] = (ms.x - logits[base + tgt]) + log(ms.y);
    } else {
      out[row] = nan_f32(tgt);
    }
  }
}

// dlogits[row, v] = (softmax(logits[row, :])[v] − [v == target]) · scale, overwritten.
@compute @workgroup_size(WG)
fn crossentropy_backward(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u,
                         @builtin(num_workgroups) nwg: vec3u) {
  let row = row_index(wid, nwg);
  if (row >= p.rows) {
    return;
  }
  let base = row * p.V;
  let ms = row_max_sum(base, lid.x);
  let tgt = targets[row];
  for (var v = lid.x; v < p.V; v += WG) {
    let prob = exp(logits[base + v] - ms.x) / ms.y;
    out[base + v] = (prob - select(0.0, 1.0, v == tgt)) * p.scale;
  }
}

// out[0] = Σ losses / n in one workgroup: strided partial sums, then a tree, a fixed order.
@compute @workgroup_size(WG)
fn crossentropy_mean(@builtin(local_invocation_id) lid: vec3u) {
  let tid = lid.x;
  var s = 0.0;
  for (var i = tid; i < p.rows; i += WG) {
    s += losses[i];
  }
  wg_sum[tid] = s;
  for (var stride = WG / 2u; stride > 0u; stride /= 2u) {
    workgroupBarrier();
    if (tid < stride) {
      wg_sum[tid] += wg_sum[tid + stride];
    }
  }
  if (tid == 0u) {
    out[0] = wg_sum[0] / f32(p.rows);
  }
}
