// Global gradient norm for clipping, in two deterministic stages (no atomics, so the same
// gradients always give the same bits):
//   gradnorm_partials: workgroup w sums g² over its contiguous chunk of WG·PER_THREAD
//     elements into partials[w];
//   gradnorm_finalize: one workgroup sums the partials in a fixed order and writes
//     norm[0] = √Σg² and norm[1] = the clip scale AdamW multiplies every gradient by.
// The scale stays on the GPU because the training step never reads back.

struct Params {
  n: u32,           // number of gradient elements
  n_partials: u32,  // = ceil(n / (WG * PER_THREAD)), the stage-1 workgroup count
  max_norm: f32,    // ≤ 0 disables clipping
}

@group(0) @binding(0) var<storage, read_write> norm: array<f32>;      // (2)
@group(0) @binding(1) var<storage, read> grads: array<f32>;           // (n)
@group(0) @binding(2) var<storage, read_write> partials: array<f32>;  // (n_partials)
@group(0) @binding(3) var<uniform> p: Params;

// WG must be a power of two (tree reduction below). The defaults favour few invocations
// with long runs: SwiftShader pays per invocation of a workgroup that uses barriers (a 16×
// smaller PER_THREAD made it ~10× slower), while 64 × 128 still gives a real GPU ~500
// workgroups at 4M parameters.
override WG: u32 = 64;
// Elements each invocation squares and sums before the tree: larger means fewer partials.
override PER_THREAD: u32 = 128;

var<workgroup> scratch: array<f32, WG>;

// Pairwise sum of scratch[0..WG) into scratch[0]; the order is fixed, so results are reproducible.
fn reduce_scratch(lid: u32) {
  for (var stride = WG / 2u; stride > 0u; stride = stride / 2u) {
    if (lid < stride) {
      scratch[lid] = scratch[lid] + scratch[lid + stride];
    }
    workgroupBarrier();
  }
}

@compute @workgroup_size(WG)
fn gradnorm_partials(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u,
                     @builtin(num_workgroups) nwg: vec3u) {
  let w = wid.x + wid.y * nwg.x;
  // grid1d may launch a few workgroups past the last chunk; w is uniform, so returning
  // before the barriers is allowed.
  if (w >= p.n_partials) {
    return;
  }
  // Consecutive invocations read consecutive elements (coalesced) on every pass.
  let base = w * WG * PER_THREAD + lid.x;
  var s = 0.0;
  for (var k = 0u; k < PER_THREAD; k++) {
    let i = base + k * WG;
    if (i < p.n) {
      let g = grads[i];
      s = fma(g, g, s);
    }
  }
  scratch[lid.x] = s;
  workgroupBarrier();
  reduce_scratch(lid.x);
  if (lid.x == 0u) {
    partials[w] = scratch[0];
  }
}

// Dispatched as exactly one workgroup.
@compute @workgroup_size(WG)
fn gradnorm_finalize(@builtin(local_invocation_id) lid: vec3u) {
  var s = 0.0;
  for (var i = lid.x; i < p.n_partials; i += WG) {
    s += partials[i];
  }
  scratch[lid.x] = s;
  workgroupBarrier();
  reduce_scratch(lid.x);
  if (lid.x == 0u) {
    let total = sqrt(scratch[0]);
    norm[0] = total;
    // As torch.nn.utils.clip_grad_norm_: the 1e-6 keeps the clipped norm just under max_norm.
    var scale = 1.0;
    if (p.max_norm > 0.0 && total > p.max_norm) {
      scale = p.max_norm / (total + 1e-6);
    }
    norm[1] = scale;
  }
}
