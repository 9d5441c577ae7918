// Token + position embedding (the encoder) and its backward.
// Forward: out[b,t,:] = wte[tokens[b,t],:] + PE[t,:], one invocation per output element.
// Backward: the token gradient is a scatter-add (repeated tokens hit the same dwte row); to
// stay deterministic without float atomics, the CPU sorts positions into per-token buckets
// and each dwte element sums its bucket in order. Both gradients accumulate (+=): dwte also
// receives the tied LM head's gradient, and micro-batches add up.

struct Params {
  B: u32,
  T: u32,
  C: u32,
  V: u32,
  // encoder_backward_wte: workgroups per vocab row (ceil(C / WG))
  chunks: u32,
}

// Forward bindings
@group(0) @binding(0) var<storage, read_write> out: array<f32>;     // (B, T, C)
@group(0) @binding(1) var<storage, read> tokens: array<u32>;        // (B, T)
@group(0) @binding(2) var<storage, read> wte: array<f32>;           // (V, C)
@group(0) @binding(3) var<storage, read> wpe: array<f32>;           // (maxT, C)
@group(0) @binding(4) var<uniform> p: Params;

// Backward bindings (the same numbers, other entry points)
@group(0) @binding(0) var<storage, read_write> dweight: array<f32>;  // dwte (V, C) or dwpe (maxT, C)
@group(0) @binding(1) var<storage, read> dout: array<f32>;           // (B, T, C)
@group(0) @binding(2) var<storage, read> bucket_offsets: array<u32>; // (V + 1)
@group(0) @binding(3) var<storage, read> bucket_positions: array<u32>; // (B·T)

// Decoding with a KV cache: the position being generated, written once per token, so one
// prepared dispatch serves every step. tokens then holds the whole context (maxT).
@group(0) @binding(5) var<storage, read> step_pos: array<u32>;      // [position]

override WG: u32 = 64;

const LN_10000: f32 = 9.210340371976184;
const TWO_OVER_PI: f32 = 0.6366197723675814;
// pi/2 split in two (Cody–Waite) so that angle − k·pi/2 stays accurate for large k.
const PIO2_HI: f32 = 1.5707963705062866;
const PIO2_LO: f32 = -4.371139000186243e-8;

// A quiet NaN. Built from a runtime value because a constant NaN is a WGSL compile error.
fn nan_f32(x: u32) -> f32 {
  return bitcast<f32>(0x7fc00000u | (x & 1u));
}

fn linear_id(wid: vec3u, lid: vec3u, nwg: vec3u) -> u32 {
  return (wid.x + wid.y * nwg.x) * WG + lid.x;
}

// sin(r), cos(r) for |r| ≤ pi/4 by their Taylor series (truncation error < 2e-9).
fn sin_small(r: f32) -> f32 {
  let r2 = r * r;
  return r * (1.0 + r2 * (-1.0 / 6.0 + r2 * (1.0 / 120.0 + r2 * (-1.0 / 5040.0 + r2 * (1.0 / 362880.0)))));
}

fn cos_small(r: f32) -> f32 {
  let r2 = r * r;
  return 1.0 + r2 * (-0.5 + r2 * (1.0 / 24.0 + r2 * (-1.0 / 720.0 + r2 * (1.0 / 40320.0 + r2 * (-1.0 / 3628800.0)))));
}

// The built-in sin/cos may be as coarse as 2^-11 (SwiftShader is), which would make the code
// differ between devices; this one is accurate to a few ulp of the angle on every device.
// cos(a) = sin(a + pi/2): an odd channel just starts one quadrant later.
fn sinusoid(t: u32, c: u32) -> f32 {
  let pair = f32(c - (c & 1u));
  let angle = f32(t) * exp(-LN_10000 * pair / f32(p.C));
  let k = round(angle * TWO_OVER_PI);
  let r = (angle - k * PIO2_HI) - k * PIO2_LO;
  let quadrant = (u32(k) + (c & 1u)) & 3u;
  switch quadrant {
    case 0u: { return sin_small(r); }
    case 1u: { return cos_small(r); }
    case 2u: { return -sin_small(r); }
    default: { return -cos_small(r); }
  }
}

@compute @workgroup_size(WG)
fn encoder_forward_learned(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u,
                           @builtin(num_workgroups) nwg: vec3u) {
  let i = linear_id(wid, lid, nwg);
  if (i >= p.B * p.T * p.C) {
    return;
  }
  let pos = i / p.C;
  let c = i % p.C;
  let t = pos % p.T;
  let tok = tokens[pos];
  // A token outside the vocabulary is a bug upstream (buildTokenBuckets rejects it on the
  // CPU); a NaN row makes it visible in the loss instead of silently reading another row.
  if (tok >= p.V) {
    out[i] = nan_f32(tok);
    return;
  }
  out[i] = wte[tok * p.C + c] + wpe[t * p.C + c];
}

@compute @workgroup_size(WG)
fn encoder_forward_sinusoidal(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u,
                              @builtin(num_workgroups) nwg: vec3u) {
  let i = linear_id(wid, lid, nwg);
  if (i >= p.B * p.T * p.C) {
    return;
  }
  let pos = i / p.C;
  let c = i % p.C;
  let tok = tokens[pos];
  if (tok >= p.V) {
    out[i] = nan_f32(tok);
    return;
  }
  out[i] = wte[tok * p.C + c] + sinusoid(pos % p.T, c);
}

// out[0, :] = wte[tokens[t], :] + PE[t, :] for the single position t = step_pos[0].
@compute @workgroup_size(WG)
fn encoder_decode_learned(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u,
                          @builtin(num_workgroups) nwg: vec3u) {
  let c = linear_id(wid, lid, nwg);
  if (c >= p.C) {
    return;
  }
  let t = step_pos[0];
  let tok = tokens[t];
  if (tok >= p.V || t >= p.T) {
    out[c] = nan_f32(tok);
    return;
  }
  out[c] = wte[tok * p.C + c] + wpe[t * p.C + c];
}

@compute @workgroup_size(WG)
fn encoder_decode_sinusoidal(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u,
                             @builtin(num_workgroups) nwg: vec3u) {
  let c = linear_id(wid, lid, nwg);
  if (c >= p.C) {
    return;
  }
  let t = step_pos[0];
  let tok = tokens[t];
  if (tok >= p.V || t >= p.T) {
    out[c] = nan_f32(tok);
    return;
  }
  out[c] = wte[tok * p.C + c] + sinusoid(t, c);
}

// dwte[v, c] += Σ_{k in bucket v} dout[positions[k], c]. Workgroup g covers vocab row
// g / chunks and channels (g % chunks)·WG .. +WG, so wide rows spread over several workgroups.
@compute @workgroup_size(WG)
fn encoder_backward_wte(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u,
                        @builtin(num_workgroups) nwg: vec3u) {
  let g = wid.x + wid.y * nwg.x;
  let v = g / p.chunks;
  let c = (g % p.chunks) * WG + lid.x;
  if (v >= p.V || c >= p.C) {
    return;
  }
  let begin = bucket_offsets[v];
  let end = bucket_offsets[v + 1u];
  if (begin == end) {
    return; // a token absent from the batch: its row is left as it is
  }
  var sum = 0.0;
  for (var k = begin; k < end; k++) {
    sum += dout[bucket_positions[k] * p.C + c];
  }
  dweight[v * p.C + c] += sum;
}

// dwpe[t, c] += Σ_b dout[b, t, c], one invocation per (t, c) of the first T rows.
@compute @workgroup_size(WG)
fn encoder_backward_wpe(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u,
                        @builtin(num_workgroups) nwg: vec3u) {
  let i = linear_id(wid, lid, nwg);
  let tc = p.T * p.C;
  if (i >= tc) {
    return;
  }
  var sum = 0.0;
  for (var b = 0u; b < p.B; b++) {
    sum += dout[b * tc + i];
  }
  dweight[i] += sum;
}
