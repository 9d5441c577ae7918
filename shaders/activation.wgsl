// Elementwise activations, one element per invocation (the grid may span x and y, see grid1d).
//   GELU, GPT-2's tanh form: gelu(x) = 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), evaluated
//   through the logistic function (see gelu_z);
//   ReLU: relu(x) = max(x, 0), derivative 0 at x ≤ 0.
// Backward entry points overwrite dinp = f'(x)·dout.
// Bindings: 0 out (forward) or dinp (backward), 1 inp, 2 dout (backward only), 3 params.

struct Params {
  n: u32,
}

@group(0) @binding(0) var<storage, read_write> dst: array<f32>;
@group(0) @binding(1) var<storage, read> inp: array<f32>;
@group(0) @binding(2) var<storage, read> dout: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;

override WG: u32 = 256;

const GELU_SCALE: f32 = 0.7978845608028654; // √(2/π)
const GELU_CUBIC: f32 = 0.044715;

// GELU is computed as x·σ(2u), u = √(2/π)·(x + 0.044715·x³), which equals 0.5·x·(1 + tanh(u))
// but needs no tanh: WGSL's tanh gives NaN for large |u| on some implementations (sinh/cosh
// overflow), and near t = −1 the sum 1 + tanh(u) loses every digit of the small tail values.
// σ(z) = 1/(1 + exp(−z)) saturates cleanly (exp → inf gives 0, exp → 0 gives 1) and keeps
// its relative accuracy in both tails; so does σ(−z), used for 1 − σ(z) in the backward.
fn gelu_z(x: f32) -> f32 {
  return 2.0 * GELU_SCALE * (x + GELU_CUBIC * x * x * x);
}

fn sigmoid(z: f32) -> f32 {
  return 1.0 / (1.0 + exp(-z));
}

fn linear_id(wid: vec3u, lid: vec3u, nwg: vec3u) -> u32 {
  return (wid.x + wid.y * nwg.x) * WG + lid.x;
}

@compute @workgroup_size(WG)
fn gelu_forward(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u,
                @builtin(num_workgroups) nwg: vec3u) {
  let i = linear_id(wid, lid, nwg);
  if (i < p.n) {
    let x = inp[i];
    dst[i] = x * sigmoid(gelu_z(x));
  }
}

@compute @workgroup_size(WG)
fn gelu_backward(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u,
                 @builtin(num_workgroups) nwg: vec3u) {
  let i = linear_id(wid, lid, nwg);
  if (i < p.n) {
    let x = inp[i];
    let z = gelu_z(x);
    let s = sigmoid(z);
    // d/dx [x·σ(z)] = σ(z) + x·σ(z)·σ(−z)·dz/dx, dz/dx = 2·√(2/π)·(1 + 3·0.044715·x²)
    let dz = 2.0 * GELU_SCALE * (1.0 + 3.0 * GELU_CUBIC * x * x);
    let grad = s + x * s * sigmoid(-z) * dz;
    dst[i] = grad * dout[i];
  }
}

@compute @workgroup_size(WG)
fn relu_forward(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u,
                @builtin(num_workgroups) nwg: vec3u) {
  let i = linear_id(wid, lid, nwg);
  if (i < p.n) {
    dst[i] = max(inp[i], 0.0);
  }
}

@compute @workgroup_size(WG)
fn relu_backward(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u,
                 @builtin(num_workgroups) nwg: vec3u) {
  let i = linear_id(wid, lid, nwg);
  if (i < p.n) {
    // select rather than dout·(x > 0): an inf or NaN dout where x ≤ 0 must not leak through.
    dst[i] = select(0.0, dout[i], inp[i] > 0.0);
  }
}
