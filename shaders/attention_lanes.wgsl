// requires: lanes_block.wgsl
// Attention as batched products, for software adapters with subgroups of 4 lanes (composed
// with `enable subgroups;`), when a (B, NH, T, T) scratch is small enough to hold the scores
// (kernels/attention.ts). The products run like matmul_lanes.wgsl, one subgroup of 4 lanes per
// 8-row tile, over every (batch, head) pair z = b·NH + h with its own operand offsets:
//
//   forward    S = q·kᵀ            → P = softmax(scale·S) (masked), lse    O = P·v
//   backward   S = q·kᵀ, dP = dout·vᵀ → P = exp(scale·S − lse), dS = scale · P ∘ (dP − D) (masked)
//              dq = dS·k           dk = dSᵀ·q           dv = Pᵀ·dout
//
// The flash kernels (attention.wgsl) never hold a T×T matrix; on SwiftShader their per-row
// loops read private arrays with run-time indices (gathers) for every channel of every key.
// Products with a register-blocked tile read each value once per 64 multiply-adds instead.
// Causal products skip what the mask zeroes: score tiles wholly above the diagonal are not
// computed (and never read), and sums over keys stop at (or start from) the tile's diagonal.

// ---- batched products ----

struct Mm {
  M: u32,
  N: u32,
  K: u32,
  tilesN: u32, // ceil(N / (4·RN))
  lda: u32,
  ldb: u32,
  ldc: u32,
  heads: u32, // z = b·heads + h
  a0: u32, // element offsets of (b, h): x0 + b·x_sb + h·x_sh
  a_sb: u32,
  a_sh: u32,
  b0: u32,
  b_sb: u32,
  b_sh: u32,
  c0: u32,
  c_sb: u32,
  c_sh: u32,
  tiles: u32, // tiles per (b, h)
  batches: u32, // B·NH
}

@group(0) @binding(0) var<storage, read_write> mc: array<f32>;
@group(0) @binding(1) var<storage, read> ma: array<f32>;
@group(0) @binding(2) var<storage, read> mb: array<f32>;
@group(0) @binding(3) var<uniform> mp: Mm;

override TRANS_A: bool = false; // A stored (K, M) with row stride lda, else (M, K)
override TRANS_B: bool = false; // B stored (N, K), else (K, N)
override RN: u32 = 8; // columns per lane: 8, or 4 for narrow products (a 16-channel head)
// 0: full product. 1: skip tiles whose columns all lie above the diagonal (n > m: scores).
// 2: sum k < min(K, last row + 1) (A = P or dS, zero past the diagonal).
// 3: sum k ≥ first row (A = Pᵀ or dSᵀ, zero before it).
override CAUSAL: u32 = 0;

fn mm_a(base: u32, m: u32, k: u32) -> f32 {
  if (TRANS_A) {
    return ma[base + k * mp.lda + m];
  }
  return ma[base + m * mp.lda + k];
}

fn mm_b(base: u32, k: u32, n: u32) -> f32 {
  if (TRANS_B) {
    return mb[base + n * mp.ldb + k];
  }
  return mb[base + k * mp.ldb + n];
}

fn mm_store(base: u32, m: u32, n: u32, lo: vec4f, hi: vec4f) {
  if (m >= mp.M) {
    return;
  }
  for (var j = 0u; j < 4u; j++) {
    let c = n + 4u * j;
    if (c < mp.N) {
      mc[base + m * mp.ldc + c] = lo[j];
    }
    if (RN == 8u && c + 16u < mp.N) {
      mc[base + m * mp.ldc + c + 16u] = hi[j];
    }
  }
}

// Lane l computes rows m0 … m0+7 at columns n + 4j (j < RN); A's rows reach every lane by
// subgroupBroadcast from the lane that read them (as in matmul_lanes.wgsl).
@compute @workgroup_size(4)
fn attention_bmm(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
                 @builtin(subgroup_invocation_id) l: u32) {
  let g = wid.x + wid.y * nwg.x;
  if (g >= mp.tiles * mp.batches) {
    return;
  }
  let z = g / mp.tiles;
  let tile = g % mp.tiles;
  let bz = z / mp.heads;
  let hz = z % mp.heads;
  let abase = mp.a0 + bz * mp.a_sb + hz * mp.a_sh;
  let bbase = mp.b0 + bz * mp.b_sb + hz * mp.b_sh;
  let cbase = mp.c0 + bz * mp.c_sb + hz * mp.c_sh;
  let m0 = (tile / mp.tilesN) * 8u;
  let n = (tile % mp.tilesN) * (4u * RN) + l;
  let mlast = min(m0 + 7u, mp.M - 1u);
  // The whole workgroup shares the tile, so this exit is uniform.
  if (CAUSAL == 1u && (tile % mp.tilesN) * (4u * RN) > mlast) {
    return;
  }
  var kbeg = 0u;
  var kend = mp.K;
  if (CAUSAL == 2u) {
    kend = min(mp.K, mlast + 1u);
  }
  if (CAUSAL == 3u) {
    kbeg = m0;
  }
  let ma_ = min(m0 + l, mp.M - 1u);
  let mb_ = min(m0 + 4u + l, mp.M - 1u);
  let last = mp.N - 1u;
  let n0 = min(n, last);
  let n1 = min(n + 4u, last);
  let n2 = min(n + 8u, last);
  let n3 = min(n + 12u, last);
  let n4 = min(n + 16u, last);
  let n5 = min(n + 20u, last);
  let n6 = min(n + 24u, last);
  let n7 = min(n + 28u, last);

  var acc: array<vec4f, 16>;
  for (var k = kbeg; k < kend; k++) {
    let va = mm_a(abase, ma_, k);
    let vb = mm_a(abase, mb_, k);
    let b0 = vec4f(mm_b(bbase, k, n0), mm_b(bbase, k, n1), mm_b(bbase, k, n2), mm_b(bbase, k, n3));
    var b1 = vec4f(0.0);
    if (RN == 8u) {
      b1 = vec4f(mm_b(bbase, k, n4), mm_b(bbase, k, n5), mm_b(bbase, k, n6), mm_b(bbase, k, n7));
    }
    lanes_step(&acc, va, vb, b0, b1, RN == 8u);
  }
  // Written out: a loop would index acc at run time, which moves it to memory.
  mm_store(cbase, m0, n, acc[0], acc[1]);
  mm_store(cbase, m0 + 1u, n, acc[2], acc[3]);
  mm_store(cbase, m0 + 2u, n, acc[4], acc[5]);
  mm_store(cbase, m0 + 3u, n, acc[6], acc[7]);
  mm_store(cbase, m0 + 4u, n, acc[8], acc[9]);
  mm_store(cbase, m0 + 5u, n, acc[10], acc[11]);
  mm_store(cbase, m0 + 6u, n, acc[12], acc[13]);
  mm_store(cbase, m0 + 7u, n, acc[14], acc[15]);
}

// ---- row passes over the (B·NH·T, T) scores ----

struct Rows {
  T: u32,
  rows: u32, // B·NH·T
  causal: u32,
  scale: f32,
}

@group(0) @binding(4) var<storage, read_write> rs: array<f32>; // S → P
@group(0) @binding(5) var<storage, read_write> rlse: array<f32>; // (B·NH·T): written by the forward, read by the backward
@group(0) @binding(6) var<storage, read_write> rdp: array<f32>; // dP → dS
@group(0) @binding(7) var<storage, read> rd: array<f32>; // D_i = dout_i · out_i
@group(0) @binding(8) var<uniform> rp: Rows;

override WG: u32 = 64; // invocations of the element-wise passes

// Keys row i sees: all T, or 0 … i.
fn visible(i: u32) -> u32 {
  return select(rp.T, i + 1u, rp.causal != 0u);
}

// P_ij = softmax_j(scale · S_ij) over the visible keys, 0 elsewhere, and lse_i: one subgroup
// of 4 lanes per row, each lane taking every fourth key.
@compute @workgroup_size(4)
fn attention_softmax(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
                     @builtin(subgroup_invocation_id) l: u32) {
  let r = wid.x + wid.y * nwg.x;
  if (r >= rp.rows) {
    return;
  }
  let base = r * rp.T;
  let n = visible(r % rp.T);
  // Row i sees key 0 at least, so every row has a finite maximum.
  var mx = -3.0e38;
  for (var j = l; j < n; j += 4u) {
    mx = max(mx, rs[base + j]);
  }
  mx = subgroupMax(mx) * rp.scale; // scale > 0: the maximum of the scaled scores
  var sum = 0.0;
  for (var j = l; j < n; j += 4u) {
    sum += exp(rs[base + j] * rp.scale - mx);
  }
  sum = subgroupAdd(sum);
  let inv = 1.0 / sum;
  for (var j = l; j < rp.T; j += 4u) {
    rs[base + j] = select(0.0, exp(rs[base + j] * rp.scale - mx) * inv, j < n);
  }
  if (l == 0u) {
    rlse[r] = mx + log(sum);
  }
}

// The backward's P_ij = exp(scale · S_ij − lse_i) from its recomputed scores (in place), and
// dS_ij = scale · P_ij (dP_ij − D_i); both exactly 0 where the mask hides key j (whatever S
// and dP hold there: their tiles may not have been computed).
@compute @workgroup_size(WG)
fn attention_dscores(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let e = gid.x + gid.y * nwg.x * WG;
  if (e >= rp.rows * rp.T) {
    return;
  }
  let r = e / rp.T;
  let seen = e % rp.T < visible(r % rp.T);
  let pij = select(0.0, exp(rs[e] * rp.scale - rlse[r]), seen);
  rs[e] = pij;
  rdp[e] = select(0.0, rp.scale * pij * (rdp[e] - rd[r]), seen);
}
