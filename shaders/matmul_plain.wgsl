// The simplest linear layer, kept as the benchmark's baseline for matmul.wgsl:
// out (M, N) = inp (M, K) · weightᵀ + bias, weight stored (N, K). One output per invocation,
// every operand read straight from global memory, no workgroup memory.

struct Params {
  M: u32,
  N: u32,
  K: u32,
}

@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@group(0) @binding(1) var<storage, read> inp: array<f32>;
@group(0) @binding(2) var<storage, read> weight: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<uniform> p: Params;

override WG: u32 = 64;
override HAS_BIAS: bool = false;

@compute @workgroup_size(WG)
fn matmul_plain_forward(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u,
                        @builtin(num_workgroups) nwg: vec3u) {
  let i = (wid.x + wid.y * nwg.x) * WG + lid.x;
  if (i >= p.M * p.N) {
    return;
  }
  let m = i / p.N;
  let n = i % p.N;
  var s = 0.0;
  for (var k = 0u; k < p.K; k++) {
    s += inp[m * p.K + k] * weight[n * p.K + k];
  }
  if (HAS_BIAS) {
    s += bias[n];
  }
  out[i] = s;
}
