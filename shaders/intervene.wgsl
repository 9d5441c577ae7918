// Interventions (core/inspect.ts): groups of a (rows, C) activation replaced in place during a
// forward, to ablate or patch a head or a sublayer. Row r is position t = r mod T of its
// sequence. A group's mode: 0 KEEP (not written at all: the forward stays exactly the plain
// one), 1 ZERO, 2 SET (values[values_off + c]), 3 PATCH (sources[sources_off + t·C + c]).
//   intervene_heads: y's NH groups of width C/NH (one per head) each with its own mode.
//   intervene_delta: one group, acting on a sublayer's contribution y − base: y = base + f(y − base).
// The modes, values and sources of every site of the model share three buffers; this site's
// part starts at the offsets in the uniform. Each invocation handles one element; the grid may
// span x and y (see grid1d).

struct Params {
  rows: u32,
  C: u32,
  NH: u32,
  T: u32,
  modes_off: u32,
  values_off: u32,
  sources_off: u32,
}

@group(0) @binding(0) var<storage, read_write> y: array<f32>;
@group(0) @binding(1) var<storage, read> base: array<f32>;
@group(0) @binding(2) var<storage, read> modes: array<u32>;
@group(0) @binding(3) var<storage, read> values: array<f32>;
@group(0) @binding(4) var<storage, read> sources: array<f32>;
@group(0) @binding(5) var<uniform> p: Params;

const MODE_KEEP: u32 = 0u;
const MODE_ZERO: u32 = 1u;
const MODE_SET: u32 = 2u;

override WG: u32 = 256;

fn linear_id(wid: vec3u, lid: vec3u, nwg: vec3u) -> u32 {
  return (wid.x + wid.y * nwg.x) * WG + lid.x;
}

// What replaces element i (row r = i / C, column c) under a mode other than KEEP.
fn replacement(mode: u32, i: u32) -> f32 {
  let c = i % p.C;
  if (mode == MODE_ZERO) {
    return 0.0;
  }
  if (mode == MODE_SET) {
    return values[p.values_off + c];
  }
  let t = (i / p.C) % p.T;
  return sources[p.sources_off + t * p.C + c];
}

// base unused (binding 1)
@compute @workgroup_size(WG)
fn intervene_heads(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u,
                   @builtin(num_workgroups) nwg: vec3u) {
  let i = linear_id(wid, lid, nwg);
  if (i >= p.rows * p.C) {
    return;
  }
  let group = (i % p.C) / (p.C / p.NH);
  let mode = modes[p.modes_off + group];
  if (mode != MODE_KEEP) {
    y[i] = replacement(mode, i);
  }
}

@compute @workgroup_size(WG)
fn intervene_delta(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u,
                   @builtin(num_workgroups) nwg: vec3u) {
  let i = linear_id(wid, lid, nwg);
  if (i >= p.rows * p.C) {
    return;
  }
  let mode = modes[p.modes_off];
  if (mode != MODE_KEEP) {
    y[i] = base[i] + replacement(mode, i);
  }
}
