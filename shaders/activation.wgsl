// Elementwise activations, one element per invocation (the grid may span x and y, see grid1d).
//   GELU, GPT-2's tanh form: gelu(x) = 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
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
// tanh(10) rounds to 1 in float32. Some tanh implementations compute sinh/cosh or exp(2u) and
// give inf/inf = NaN once those overflow (|u| ≳ 44..88, i.e. |x| ≳ 11..14 here), so the
// argument is clamped first.
const TANH_CLAMP: f32 = 10.0;

fn safe_tanh(u: f32) -> f32 {
  return tanh(clamp(u, -TANH_CLAMP, TANH_CLAMP));
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
    let t = safe_tanh(GELU_SCALE * (x + GELU_CUBIC * x * x * x));
    dst[i] = 0.5 * x * (1.0 + t);
  }
}

@compute @workgroup_size(WG)
fn gelu_backward(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u,
                 @builtin(num_workgroups) nwg: vec3u) {
  let i = linear_id(wid, lid, nwg);
  if (i < p.n) {
    let x = inp[i];
    let x2 = x * x;
    let t = safe_tanh(GELU_SCALE * (x + GELU_CUBIC * x2 * x));
    // d/dx [0.5·x·(1 + t)] = 0.5·(1 + t) + 0.5·x·(1 − t²)·√(2/π)·(1 + 3·0.044715·x²);
    // (1 − t²) is exactly 0 once t saturates, so large |x| gives 1 or 0, never NaN.
    let du = GELU_SCALE * (1.0 + 3.0 * GELU_CUBIC * x2);
    let grad = 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * du;
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
