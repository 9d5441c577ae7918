// requires: gelu.wgsl
// Elementwise activations, one element per invocation (the grid may span x and y, see grid1d).
//   GELU, GPT-2's tanh form, from gelu.wgsl;
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

fn linear_id(wid: vec3u, lid: vec3u, nwg: vec3u) -> u32 {
  return (wid.x + wid.y * nwg.x) * WG + lid.x;
}

@compute @workgroup_size(WG)
fn gelu_forward(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u,
                @builtin(num_workgroups) nwg: vec3u) {
  let i = linear_id(wid, lid, nwg);
  if (i < p.n) {
    dst[i] = gelu(inp[i]);
  }
}

@compute @workgroup_size(WG)
fn gelu_backward(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u,
                 @builtin(num_workgroups) nwg: vec3u) {
  let i = linear_id(wid, lid, nwg);
  if (i < p.n) {
    dst[i] = gelu_grad(inp[i]) * dout[i];
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
