// Half-precision storage: f32 values packed two per u32 word as IEEE binary16 (WGSL's core
// pack2x16float, so no 'shader-f16' feature is needed; arithmetic stays f32). Element i of a
// packed array sits in word i/2, in its low half when i is even.
//   pack_f16: words[i] = (src[2i], src[2i+1]) for the n source values (the last high half is
//   zero when n is odd). Values must lie within f16's range (|x| ≤ 65504); model weights do.

struct Params {
  n: u32, // source values
}

@group(0) @binding(0) var<storage, read_write> words: array<u32>;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;

override WG: u32 = 256;

@compute @workgroup_size(WG)
fn pack_f16(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u,
            @builtin(num_workgroups) nwg: vec3u) {
  let w = (wid.x + wid.y * nwg.x) * WG + lid.x;
  let i = 2u * w;
  if (i >= p.n) {
    return;
  }
  var hi = 0.0;
  if (i + 1u < p.n) {
    hi = src[i + 1u];
  }
  words[w] = pack2x16float(vec2f(src[i], hi));
}
