// Shared by attention.wgsl (forward, probabilities) and attention_backward.wgsl: the
// bindings, pipeline constants, workgroup tiles and helpers. No entry points: appended to
// those files by src/engine/kernels/shaders.ts.

struct Params {
  B: u32,
  T: u32,
  C: u32,
  NH: u32,
  hs: u32,
  causal: u32,
  scale: f32,
}

// One binding table for every entry point; each uses a subset (the wrapper passes null for
// the rest). dst is the main output: out, probs or dqkv; dst_row is lse (forward) or D.
@group(0) @binding(0) var<storage, read_write> dst: array<f32>;
@group(0) @binding(1) var<storage, read_write> dst_row: array<f32>;
@group(0) @binding(2) var<storage, read> qkv: array<f32>;
@group(0) @binding(3) var<storage, read> lse: array<f32>;
@group(0) @binding(4) var<storage, read> dout: array<f32>;
@group(0) @binding(5) var<storage, read> fwd_out: array<f32>;
@group(0) @binding(6) var<storage, read> dvec: array<f32>;
@group(0) @binding(7) var<uniform> p: Params;

// Function-scope arrays need a constant size: this is the largest head size supported.
// Rows are held as vec4s, zero-padded past hs so that the padding adds nothing to any dot
// product. Loops over a row run to HS4 = ceil(hs / 4), a pipeline constant: with the trip
// count known when the pipeline is built, the compiler can unroll them and keep the rows in
// registers instead of indexed memory, and the workgroup tiles take only what the head needs.
const MAX_HS: u32 = 128u;
const MAX_HS4: u32 = MAX_HS / 4u;
override HS4: u32 = 4;
// hs is not a multiple of 4: the last vec4 of a row is zero-padded (checked per channel).
override HS_PADDED: bool = false;

// Rows (queries, or keys in the dk/dv pass) per workgroup, one invocation each.
override ROWS: u32 = 32;
// Stage the other side's rows in workgroup memory (GPUs), or read them from global memory
// (software adapters; see kv4).
override STAGED: bool = true;
// Rows of the other side per tile (staged: 2·TILE·4·HS4 floats of workgroup memory).
override TILE: u32 = 8;
// Workgroup size of the element-wise entry points (probs and D).
override WG: u32 = 64;

// Row r of a tile starts at r·hs4.
var<workgroup> tile_a: array<vec4f, TILE * HS4>; // k (forward, dq) or q (dk/dv)
var<workgroup> tile_b: array<vec4f, TILE * HS4>; // v (forward, dq) or dout (dk/dv)
var<workgroup> tile_lse: array<f32, TILE>;
var<workgroup> tile_d: array<f32, TILE>;
var<workgroup> scores: array<f32, ROWS * TILE>; // [j · ROWS + invocation]: neighbours read neighbouring words

// Index into qkv of (b, t, part 0/1/2 for q/k/v, this head's channel 0).
fn qkv_at(b: u32, t: u32, part: u32, h: u32) -> u32 {
  return (b * p.T + t) * 3u * p.C + part * p.C + h * p.hs;
}

fn out_at(b: u32, t: u32, h: u32) -> u32 {
  return (b * p.T + t) * p.C + h * p.hs;
}

fn row_at(b: u32, h: u32, t: u32) -> u32 {
  return (b * p.NH + h) * p.T + t;
}

// Which (b, h, row block) a workgroup of the row-tiled entry points owns.
struct Block {
  valid: bool,
  b: u32,
  h: u32,
  start: u32, // first row of the block
}

fn block_of(wid: vec3u, nwg: vec3u) -> Block {
  let g = wid.x + wid.y * nwg.x;
  let nblk = (p.T + ROWS - 1u) / ROWS;
  let bh = g / nblk;
  return Block(g < p.B * p.NH * nblk, bh / p.NH, bh % p.NH, (g % nblk) * ROWS);
}

// How many of the n keys k0 … k0+n−1 query i may see: all of them, or those with j ≤ i.
fn keys_visible(i: u32, k0: u32, n: u32) -> u32 {
  if (p.causal == 0u) {
    return n;
  }
  if (i < k0) {
    return 0u;
  }
  return min(n, i + 1u - k0);
}

// Channels 4·d4 … 4·d4+3 of the head row starting at qkv[a], zero past hs: four plain loads
// unless hs is not a multiple of 4. (One function per buffer: passing storage pointers to
// functions is not core WGSL.)
fn qkv4(a: u32, d4: u32) -> vec4f {
  if (!HS_PADDED) {
    let d = a + d4 * 4u;
    return vec4f(qkv[d], qkv[d + 1u], qkv[d + 2u], qkv[d + 3u]);
  }
  var r = vec4f(0.0);
  for (var c = 0u; c < 4u; c++) {
    let d = d4 * 4u + c;
    if (d < p.hs) {
      r[c] = qkv[a + d];
    }
  }
  return r;
}

fn dout4(a: u32, d4: u32) -> vec4f {
  if (!HS_PADDED) {
    let d = a + d4 * 4u;
    return vec4f(dout[d], dout[d + 1u], dout[d + 2u], dout[d + 3u]);
  }
  var r = vec4f(0.0);
  for (var c = 0u; c < 4u; c++) {
    let d = d4 * 4u + c;
    if (d < p.hs) {
      r[c] = dout[a + d];
    }
  }
  return r;
}

// Writes the first hs channels of a row held as vec4s to dst[a …], times `scale`.
fn store_row(a: u32, row: ptr<function, array<vec4f, MAX_HS4>>, scale: f32) {
  for (var d = 0u; d < p.hs; d++) {
    dst[a + d] = (*row)[d / 4u][d % 4u] * scale;
  }
}

// Moves to the tile of rows r0 … r0+n−1 of this head's k and v: with STAGED, waits until
// every invocation is done with the previous tile, stages the new one into tile_a / tile_b
// and waits again; without, nothing (kv4 reads global memory). Call in uniform control flow.
// (Separate from next_q_tile so that entry points which never read dout do not bind it.)
fn next_kv_tile(b: u32, h: u32, r0: u32, n: u32, lid: u32) {
  if (!STAGED) {
    return;
  }
  workgroupBarrier();
  for (var e = lid; e < n * HS4; e += ROWS) {
    let a = qkv_at(b, r0 + e / HS4, 1u, h);
    tile_a[e] = qkv4(a, e % HS4);
    tile_b[e] = qkv4(a + p.C, e % HS4);
  }
  workgroupBarrier();
}

// The same for rows of q and dout (into tile_a / tile_b) with their lse and D (tile_lse,
// tile_d), for the dk/dv pass.
fn next_q_tile(b: u32, h: u32, r0: u32, n: u32, lid: u32) {
  if (!STAGED) {
    return;
  }
  workgroupBarrier();
  for (var e = lid; e < n * HS4; e += ROWS) {
    let r = r0 + e / HS4;
    tile_a[e] = qkv4(qkv_at(b, r, 0u, h), e % HS4);
    tile_b[e] = dout4(out_at(b, r, h), e % HS4);
  }
  for (var r = lid; r < n; r += ROWS) {
    tile_lse[r] = lse[row_at(b, h, r0 + r)];
    tile_d[r] = dvec[row_at(b, h, r0 + r)];
  }
  workgroupBarrier();
}

// Row j of the current tile (rows r0 …) of the other side: staged in workgroup memory, or
// with STAGED off read straight from global memory. Every invocation of a workgroup reads
// the same row at the same time, so on a software adapter (SwiftShader) a global read costs
// what a workgroup-memory read does, while the barriers around staging are its most
// expensive operation; GPUs stage. kv4: k (part 1) or v (part 2) of the forward and dq;
// q4 and g4: q and dout of the dk/dv pass.
fn kv4(b: u32, h: u32, r0: u32, j: u32, d4: u32, part: u32) -> vec4f {
  if (STAGED) {
    if (part == 1u) {
      return tile_a[j * HS4 + d4];
    }
    return tile_b[j * HS4 + d4];
  }
  return qkv4(qkv_at(b, r0 + j, part, h), d4);
}

fn q4(b: u32, h: u32, r0: u32, j: u32, d4: u32) -> vec4f {
  if (STAGED) {
    return tile_a[j * HS4 + d4];
  }
  return qkv4(qkv_at(b, r0 + j, 0u, h), d4);
}

fn g4(b: u32, h: u32, r0: u32, j: u32, d4: u32) -> vec4f {
  if (STAGED) {
    return tile_b[j * HS4 + d4];
  }
  return dout4(out_at(b, r0 + j, h), d4);
}

// lse and D of row j of the current tile of the dk/dv pass.
fn lse_row(b: u32, h: u32, r0: u32, j: u32) -> f32 {
  if (STAGED) {
    return tile_lse[j];
  }
  return lse[row_at(b, h, r0 + j)];
}

fn d_row(b: u32, h: u32, r0: u32, j: u32) -> f32 {
  if (STAGED) {
    return tile_d[j];
  }
  return dvec[row_at(b, h, r0 + j)];
}

// Keys a block of queries starting at `start` needs: up to its last row when causal.
fn key_end(start: u32) -> u32 {
  if (p.causal != 0u) {
    return min(p.T, start + ROWS);
  }
  return p.T;
}
