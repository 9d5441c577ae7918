// Fused causal multi-head attention (flash-attention style, without float atomics).
//
// qkv is (B, T, 3C): q | k | v along the channels, head h owning channels h·hs … (h+1)·hs−1 of
// each. out is (B, T, C), lse and D are (B, NH, T), probs is (B, NH, T, T).
//
// The forward never materialises the T×T scores: a workgroup owns ROWS query rows of one
// (batch, head), one invocation per row, and walks the keys in tiles of TILE rows staged in
// workgroup memory (or read straight from global memory, STAGED off: see k4), keeping a running max m, a running sum l and an unnormalised output that
// is rescaled whenever m grows. Masked keys are never visited, which is a true −∞ mask.
// No −∞ is ever stored: the first tile a row sees sets m outright (exp(−∞ − −∞) would be NaN).
//
// The backward recomputes P_ij = exp(s_ij − lse_i) instead of storing it, and avoids atomics
// by splitting into an owner-writes pass per gradient: dq by query row, dk and dv by key row.

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
// (software adapters; see k4).
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

// Stages rows r0 … r0+n−1 of this head's k and v into tile_a / tile_b. (Separate from
// stage_q_dout so that entry points which never read dout do not bind it.)
fn stage_kv(b: u32, h: u32, r0: u32, n: u32, lid: u32) {
  for (var e = lid; e < n * HS4; e += ROWS) {
    let a = qkv_at(b, r0 + e / HS4, 1u, h);
    tile_a[e] = qkv4(a, e % HS4);
    tile_b[e] = qkv4(a + p.C, e % HS4);
  }
}

// Stages rows r0 … r0+n−1 of this head's q and dout into tile_a / tile_b.
fn stage_q_dout(b: u32, h: u32, r0: u32, n: u32, lid: u32) {
  for (var e = lid; e < n * HS4; e += ROWS) {
    let r = r0 + e / HS4;
    tile_a[e] = qkv4(qkv_at(b, r, 0u, h), e % HS4);
    tile_b[e] = dout4(out_at(b, r, h), e % HS4);
  }
}

// Row j of the current tile (rows r0 …) of the other side: staged in workgroup memory, or
// with STAGED off read straight from global memory. Every invocation of a workgroup reads
// the same row at the same time, so on a software adapter (SwiftShader) a global read costs
// what a workgroup-memory read does, while the barriers around staging are its most
// expensive operation; GPUs stage.
fn k4(b: u32, h: u32, r0: u32, j: u32, d4: u32) -> vec4f {
  if (STAGED) {
    return tile_a[j * HS4 + d4];
  }
  return qkv4(qkv_at(b, r0 + j, 1u, h), d4);
}

fn v4(b: u32, h: u32, r0: u32, j: u32, d4: u32) -> vec4f {
  if (STAGED) {
    return tile_b[j * HS4 + d4];
  }
  return qkv4(qkv_at(b, r0 + j, 2u, h), d4);
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

// Keys a block of queries starting at `start` needs: up to its last row when causal.
fn key_end(start: u32) -> u32 {
  if (p.causal != 0u) {
    return min(p.T, start + ROWS);
  }
  return p.T;
}

@compute @workgroup_size(ROWS)
fn attention_forward(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u,
                     @builtin(num_workgroups) nwg: vec3u) {
  let blk = block_of(wid, nwg);
  if (!blk.valid) {
    return;
  }
  let i = blk.start + lid.x;
  let live = i < p.T;
  let hs4 = HS4;
  // q is pre-scaled so a score is a plain dot product.
  var q: array<vec4f, MAX_HS4>;
  var acc: array<vec4f, MAX_HS4>;
  if (live) {
    let a = qkv_at(blk.b, i, 0u, blk.h);
    for (var d4 = 0u; d4 < hs4; d4++) {
      q[d4] = qkv4(a, d4) * p.scale;
    }
  }
  var m = 0.0;
  var l = 0.0;
  var seen = false;
  let kend = key_end(blk.start);
  for (var k0 = 0u; k0 < kend; k0 += TILE) {
    let n = min(TILE, kend - k0);
    if (STAGED) {
      workgroupBarrier(); // everyone is done with the previous tile
      stage_kv(blk.b, blk.h, k0, n, lid.x);
      workgroupBarrier();
    }
    var nvis = 0u;
    if (live) {
      nvis = keys_visible(i, k0, n);
    }
    if (nvis > 0u) {
      var tmax = 0.0;
      for (var j = 0u; j < nvis; j++) {
        var s = 0.0;
        for (var d4 = 0u; d4 < hs4; d4++) {
          s += dot(q[d4], k4(blk.b, blk.h, k0, j, d4));
        }
        scores[j * ROWS + lid.x] = s;
        tmax = select(max(tmax, s), s, j == 0u);
      }
      let mnew = select(tmax, max(m, tmax), seen);
      // Before the first visible key acc and l are zero; alpha must not be exp(0 − mnew).
      let alpha = select(0.0, exp(m - mnew), seen);
      l *= alpha;
      for (var d4 = 0u; d4 < hs4; d4++) {
        acc[d4] *= alpha;
      }
      for (var j = 0u; j < nvis; j++) {
        let pj = exp(scores[j * ROWS + lid.x] - mnew);
        l += pj;
        for (var d4 = 0u; d4 < hs4; d4++) {
          acc[d4] += pj * v4(blk.b, blk.h, k0, j, d4);
        }
      }
      m = mnew;
      seen = true;
    }
  }
  if (live) {
    store_row(out_at(blk.b, i, blk.h), &acc, 1.0 / l);
    dst_row[row_at(blk.b, blk.h, i)] = m + log(l);
  }
}

// One invocation per probability: recomputes the score from q and k (this is for drawing
// heatmaps, not for training, so it does not need tiling).
@compute @workgroup_size(WG)
fn attention_probs(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u,
                   @builtin(num_workgroups) nwg: vec3u) {
  let e = (wid.x + wid.y * nwg.x) * WG + lid.x;
  let T = p.T;
  if (e >= p.B * p.NH * T * T) {
    return;
  }
  let j = e % T;
  let i = (e / T) % T;
  let bh = e / (T * T);
  let b = bh / p.NH;
  let h = bh % p.NH;
  if (keys_visible(i, j, 1u) == 0u) {
    dst[e] = 0.0;
    return;
  }
  let qa = qkv_at(b, i, 0u, h);
  let ka = qkv_at(b, j, 1u, h);
  var s = 0.0;
  for (var d = 0u; d < p.hs; d++) {
    s += qkv[qa + d] * qkv[ka + d];
  }
  dst[e] = exp(s * p.scale - lse[row_at(b, h, i)]);
}

// Backward step 1: D_i = Σ_d dout_i·out_i per (b, h, i), into dst_row.
@compute @workgroup_size(WG)
fn attention_backward_d(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u,
                        @builtin(num_workgroups) nwg: vec3u) {
  let r = (wid.x + wid.y * nwg.x) * WG + lid.x;
  if (r >= p.B * p.NH * p.T) {
    return;
  }
  let i = r % p.T;
  let bh = r / p.T;
  let o = out_at(bh / p.NH, i, bh % p.NH);
  var s = 0.0;
  for (var d = 0u; d < p.hs; d++) {
    s += dout[o + d] * fwd_out[o + d];
  }
  dst_row[r] = s;
}

// Backward step 2: dq_i = scale·Σ_j dS_ij·k_j over the keys query i sees, one invocation per
// query row, keys and values tiled as in the forward. Writes the q part of dqkv.
@compute @workgroup_size(ROWS)
fn attention_backward_dq(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u,
                         @builtin(num_workgroups) nwg: vec3u) {
  let blk = block_of(wid, nwg);
  if (!blk.valid) {
    return;
  }
  let i = blk.start + lid.x;
  let live = i < p.T;
  let hs4 = HS4;
  var q: array<vec4f, MAX_HS4>; // pre-scaled
  var g: array<vec4f, MAX_HS4>; // dout_i
  var dq: array<vec4f, MAX_HS4>;
  var lse_i = 0.0;
  var d_i = 0.0;
  if (live) {
    let a = qkv_at(blk.b, i, 0u, blk.h);
    let o = out_at(blk.b, i, blk.h);
    for (var d4 = 0u; d4 < hs4; d4++) {
      q[d4] = qkv4(a, d4) * p.scale;
      g[d4] = dout4(o, d4);
    }
    lse_i = lse[row_at(blk.b, blk.h, i)];
    d_i = dvec[row_at(blk.b, blk.h, i)];
  }
  let kend = key_end(blk.start);
  for (var k0 = 0u; k0 < kend; k0 += TILE) {
    let n = min(TILE, kend - k0);
    if (STAGED) {
      workgroupBarrier();
      stage_kv(blk.b, blk.h, k0, n, lid.x);
      workgroupBarrier();
    }
    var nvis = 0u;
    if (live) {
      nvis = keys_visible(i, k0, n);
    }
    for (var j = 0u; j < nvis; j++) {
      var s = 0.0;
      var dp = 0.0;
      for (var d4 = 0u; d4 < hs4; d4++) {
        let kj = k4(blk.b, blk.h, k0, j, d4);
        s += dot(q[d4], kj);
        dp += dot(g[d4], v4(blk.b, blk.h, k0, j, d4));
      }
      let ds = exp(s - lse_i) * (dp - d_i);
      for (var d4 = 0u; d4 < hs4; d4++) {
        dq[d4] += ds * k4(blk.b, blk.h, k0, j, d4);
      }
    }
  }
  if (live) {
    store_row(qkv_at(blk.b, i, 0u, blk.h), &dq, p.scale);
  }
}

// Backward step 3: per key row j, dv_j = Σ_i P_ij·dout_i and dk_j = scale·Σ_i dS_ij·q_i over
// the queries that see key j (i ≥ j when causal), with q, dout, lse and D tiled. Writes the
// k and v parts of dqkv.
@compute @workgroup_size(ROWS)
fn attention_backward_dkv(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u,
                          @builtin(num_workgroups) nwg: vec3u) {
  let blk = block_of(wid, nwg);
  if (!blk.valid) {
    return;
  }
  let j = blk.start + lid.x;
  let live = j < p.T;
  let hs4 = HS4;
  var k: array<vec4f, MAX_HS4>; // pre-scaled
  var v: array<vec4f, MAX_HS4>;
  var dk: array<vec4f, MAX_HS4>;
  var dv: array<vec4f, MAX_HS4>;
  if (live) {
    let a = qkv_at(blk.b, j, 1u, blk.h);
    for (var d4 = 0u; d4 < hs4; d4++) {
      k[d4] = qkv4(a, d4) * p.scale;
      v[d4] = qkv4(a + p.C, d4);
    }
  }
  // Causal: no query before this block's first key sees any of its keys.
  let qstart = select(0u, blk.start, p.causal != 0u);
  for (var i0 = qstart; i0 < p.T; i0 += TILE) {
    let n = min(TILE, p.T - i0);
    if (STAGED) {
      workgroupBarrier();
      stage_q_dout(blk.b, blk.h, i0, n, lid.x);
      for (var r = lid.x; r < n; r += ROWS) {
        tile_lse[r] = lse[row_at(blk.b, blk.h, i0 + r)];
        tile_d[r] = dvec[row_at(blk.b, blk.h, i0 + r)];
      }
      workgroupBarrier();
    }
    // Queries i0+first … i0+n−1 see key j: all of them, or those with i ≥ j.
    var first = n;
    if (live) {
      first = select(0u, min(n, max(j, i0) - i0), p.causal != 0u);
    }
    for (var r = first; r < n; r++) {
      var s = 0.0;
      var dp = 0.0;
      for (var d4 = 0u; d4 < hs4; d4++) {
        s += dot(k[d4], q4(blk.b, blk.h, i0, r, d4));
        dp += dot(v[d4], g4(blk.b, blk.h, i0, r, d4));
      }
      var lse_r = 0.0;
      var d_r = 0.0;
      if (STAGED) {
        lse_r = tile_lse[r];
        d_r = tile_d[r];
      } else {
        lse_r = lse[row_at(blk.b, blk.h, i0 + r)];
        d_r = dvec[row_at(blk.b, blk.h, i0 + r)];
      }
      let pij = exp(s - lse_r);
      let ds = pij * (dp - d_r);
      for (var d4 = 0u; d4 < hs4; d4++) {
        dv[d4] += pij * g4(blk.b, blk.h, i0, r, d4);
        dk[d4] += ds * q4(blk.b, blk.h, i0, r, d4);
      }
    }
  }
  if (live) {
    let a = qkv_at(blk.b, j, 1u, blk.h);
    store_row(a, &dk, p.scale);
    store_row(a + p.C, &dv, 1.0);
  }
}
