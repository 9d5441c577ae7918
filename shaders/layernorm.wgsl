// requires: reduce_workgroup.wgsl
// LayerNorm over the last dimension C of a (rows, C) tensor, eps 1e-5, biased variance.
//   forward:  out = (x − mean)·rstd·w + b, saving mean and rstd = 1/√(var + eps) per row.
//   backward: three dispatches —
//     layernorm_backward_dinp      a workgroup per row: dinp = rstd·(g − mean(g) − x̂·mean(g·x̂)),
//                                  g = dout·w; overwritten, or added when ACCUMULATE is set;
//     layernorm_backward_partials  per (channel, block of RB rows): Σ dout·x̂ and Σ dout into a
//                                  scratch buffer, rows in order;
//     layernorm_backward_params    per channel: sums the blocks in order into dweight, dbias (+=).
// The split reduction keeps the parameter gradients deterministic without float atomics while
// giving the GPU (channels × row blocks) invocations of work instead of C.
//
// The row sums (sum_a, sum_b, sum_ab) come from a library: reduce_workgroup.wgsl, or
// reduce_subgroup.wgsl when the device has subgroups and a row's workgroup fits in one.
//
// Forward and backward declare their own globals: binding numbers are per entry point (the
// wrappers bind outputs first), and no entry point uses two globals with the same number.

struct Params {
  rows: u32,
  C: u32,
  nblocks: u32, // row blocks of RB rows, backward only
}

const EPS: f32 = 1e-5;

// Invocations per row in layernorm_forward and layernorm_backward_dinp; channels per
// workgroup in the parameter-gradient passes. The wrapper picks it per adapter (see there).
override WG: u32 = 32;
// Rows per block of the parameter-gradient reduction.
override RB: u32 = 32;
override ACCUMULATE: bool = false;

// ---- forward ----
@group(0) @binding(0) var<storage, read_write> f_out: array<f32>;
@group(0) @binding(1) var<storage, read_write> f_mean: array<f32>;
@group(0) @binding(2) var<storage, read_write> f_rstd: array<f32>;
@group(0) @binding(3) var<storage, read> f_inp: array<f32>;
@group(0) @binding(4) var<storage, read> f_weight: array<f32>;
@group(0) @binding(5) var<storage, read> f_bias: array<f32>;
@group(0) @binding(6) var<uniform> fp: Params;

// ---- backward ----
@group(0) @binding(0) var<storage, read_write> dinp: array<f32>;
@group(0) @binding(1) var<storage, read_write> dweight: array<f32>;
@group(0) @binding(2) var<storage, read_write> dbias: array<f32>;
@group(0) @binding(3) var<storage, read> dout: array<f32>;
@group(0) @binding(4) var<storage, read> b_inp: array<f32>;
@group(0) @binding(5) var<storage, read> b_weight: array<f32>;
@group(0) @binding(6) var<storage, read> b_mean: array<f32>;
@group(0) @binding(7) var<storage, read> b_rstd: array<f32>;
// [0, nblocks·C): Σ dout·x̂ per block; [nblocks·C, 2·nblocks·C): Σ dout per block
@group(0) @binding(8) var<storage, read_write> scratch: array<f32>;
@group(0) @binding(9) var<uniform> bp: Params;

fn workgroup_index(wid: vec3u, nwg: vec3u) -> u32 {
  return wid.x + wid.y * nwg.x;
}

@compute @workgroup_size(WG)
fn layernorm_forward(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid3: vec3u,
                     @builtin(num_workgroups) nwg: vec3u) {
  let row = workgroup_index(wid, nwg);
  // row is uniform across the workgroup, so returning here keeps the barriers uniform.
  if (row >= fp.rows) {
    return;
  }
  let lid = lid3.x;
  let C = fp.C;
  let base = row * C;

  var s = 0.0;
  for (var c = lid; c < C; c += WG) {
    s += f_inp[base + c];
  }
  let mean = sum_a(lid, s) / f32(C);

  // Two passes (mean, then Σ(x − mean)²) rather than E[x²] − mean²: no cancellation when
  // |mean| is large next to the spread.
  var q = 0.0;
  for (var c = lid; c < C; c += WG) {
    let d = f_inp[base + c] - mean;
    q += d * d;
  }
  let rstd = inverseSqrt(sum_b(lid, q) / f32(C) + EPS);

  for (var c = lid; c < C; c += WG) {
    f_out[base + c] = (f_inp[base + c] - mean) * rstd * f_weight[c] + f_bias[c];
  }
  if (lid == 0u) {
    f_mean[row] = mean;
    f_rstd[row] = rstd;
  }
}

@compute @workgroup_size(WG)
fn layernorm_backward_dinp(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid3: vec3u,
                           @builtin(num_workgroups) nwg: vec3u) {
  let row = workgroup_index(wid, nwg);
  if (row >= bp.rows) {
    return;
  }
  let lid = lid3.x;
  let C = bp.C;
  let base = row * C;
  let mean = b_mean[row];
  let rstd = b_rstd[row];

  var sg = 0.0;
  var sgx = 0.0;
  for (var c = lid; c < C; c += WG) {
    let g = dout[base + c] * b_weight[c];
    let xhat = (b_inp[base + c] - mean) * rstd;
    sg += g;
    sgx += g * xhat;
  }
  let sums = sum_ab(lid, sg, sgx) / f32(C);

  for (var c = lid; c < C; c += WG) {
    let g = dout[base + c] * b_weight[c];
    let xhat = (b_inp[base + c] - mean) * rstd;
    var d = rstd * (g - sums.x - xhat * sums.y);
    if (ACCUMULATE) {
      d += dinp[base + c];
    }
    dinp[base + c] = d;
  }
}

@compute @workgroup_size(WG)
fn layernorm_backward_partials(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid3: vec3u,
                               @builtin(num_workgroups) nwg: vec3u) {
  let C = bp.C;
  let cblocks = (C + WG - 1u) / WG;
  let w = workgroup_index(wid, nwg);
  let blk = w / cblocks;
  let c = (w % cblocks) * WG + lid3.x;
  if (blk >= bp.nblocks || c >= C) {
    return;
  }
  let r0 = blk * RB;
  let r1 = min(r0 + RB, bp.rows);
  var sw = 0.0;
  var sb = 0.0;
  for (var r = r0; r < r1; r++) {
    let g = dout[r * C + c];
    sw += g * (b_inp[r * C + c] - b_mean[r]) * b_rstd[r];
    sb += g;
  }
  scratch[blk * C + c] = sw;
  scratch[(bp.nblocks + blk) * C + c] = sb;
}

@compute @workgroup_size(WG)
fn layernorm_backward_params(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid3: vec3u,
                             @builtin(num_workgroups) nwg: vec3u) {
  let C = bp.C;
  let c = workgroup_index(wid, nwg) * WG + lid3.x;
  if (c >= C) {
    return;
  }
  var sw = 0.0;
  var sb = 0.0;
  for (var k = 0u; k < bp.nblocks; k++) {
    sw += scratch[k * C + c];
    sb += scratch[(bp.nblocks + k) * C + c];
  }
  dweight[c] += sw;
  dbias[c] += sb;
}
