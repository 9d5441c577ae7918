// AdamW over the flat parameter buffer (PyTorch's torch.optim.AdamW, decoupled weight decay),
// one element per invocation. Gradients are scaled by the clip factor gradnorm.wgsl left in
// norm[1], so clipping needs no readback. Padding between tensors is zero in params, grads,
// m and v, and stays zero: m = v = 0 gives an update 0 / (0 + eps) = 0.

struct Dims {
  n: u32,
  decay_end: u32,  // elements [0, decay_end) are 2-D weights and get weight decay
}

// Rewritten every step by setHyper; everything that needs float64 (β^t, 1 − β, lr / bc1)
// is computed on the CPU and only rounded once.
struct Hyper {
  beta1: f32,
  one_minus_beta1: f32,
  beta2: f32,
  one_minus_beta2: f32,
  eps: f32,
  step_size: f32,     // lr / (1 − β1^t)
  bc2_sqrt: f32,      // √(1 − β2^t)
  lr_decay: f32,      // lr · weight_decay
}

@group(0) @binding(0) var<storage, read_write> params: array<f32>;
@group(0) @binding(1) var<storage, read> grads: array<f32>;
@group(0) @binding(2) var<storage, read_write> m: array<f32>;
@group(0) @binding(3) var<storage, read_write> v: array<f32>;
@group(0) @binding(4) var<storage, read> norm: array<f32>;  // (2): [‖g‖, clip scale]
@group(0) @binding(5) var<uniform> dims: Dims;
@group(0) @binding(6) var<uniform> h: Hyper;

override WG: u32 = 256;

@compute @workgroup_size(WG)
fn adamw_update(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u,
                @builtin(num_workgroups) nwg: vec3u) {
  let i = (wid.x + wid.y * nwg.x) * WG + lid.x;
  if (i >= dims.n) {
    return;
  }
  let g = grads[i] * norm[1];
  let mi = h.beta1 * m[i] + h.one_minus_beta1 * g;
  let vi = h.beta2 * v[i] + h.one_minus_beta2 * g * g;
  m[i] = mi;
  v[i] = vi;
  var p = params[i];
  // Decoupled: the decay shrinks the old parameter directly and never enters m or v.
  if (i < dims.decay_end) {
    p -= h.lr_decay * p;
  }
  // lr · m̂ / (√v̂ + eps) with the bias corrections folded into step_size and bc2_sqrt.
  p -= h.step_size * mi / (sqrt(vi) / h.bc2_sqrt + h.eps);
  params[i] = p;
}
