// Residual connections. Forward: out = a + b. Backward of a residual is the identity on both
// branches, so the backward pass only needs an accumulate: x += y.
// Each invocation handles one element; the grid may span x and y (see grid1d).

struct Params {
  n: u32,
}

@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;

override WG: u32 = 256;

fn linear_id(wid: vec3u, lid: vec3u, nwg: vec3u) -> u32 {
  return (wid.x + wid.y * nwg.x) * WG + lid.x;
}

@compute @workgroup_size(WG)
fn residual_forward(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u,
                    @builtin(num_workgroups) nwg: vec3u) {
  let i = linear_id(wid, lid, nwg);
  if (i < p.n) {
    out[i] = a[i] + b[i];
  }
}

// out += a (binding 2 unused)
@compute @workgroup_size(WG)
fn residual_accumulate(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u,
                       @builtin(num_workgroups) nwg: vec3u) {
  let i = linear_id(wid, lid, nwg);
  if (i < p.n) {
    out[i] = out[i] + a[i];
  }
}
