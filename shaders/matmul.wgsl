// Matrix products for linear layers, row-major throughout.
//
//   matmul:               C (M, N) = op(A) · op(B) [+ bias] [+ C]     (one kernel, three uses)
//     forward   out  = inp · Wᵀ + b   A = inp (M, K),          B = W stored (N, K)  TRANS_B
//     backward  dinp = dout · W       A = dout (M, K),         B = W stored (K, N)
//     backward  dW  += doutᵀ · inp    A = dout stored (K, M),  B = inp (K, N)       TRANS_A
//   matmul_bias_backward: dbias (N) += Σ_rows A (M, N)
//
// Each workgroup owns a BM×BN output tile and walks K in steps of BK, staging both operands
// in workgroup memory; each invocation keeps a 4×4 block of outputs in registers, so one
// staged value feeds four multiply-adds instead of one. Out-of-range operand elements are
// staged as zeros, which makes partial tiles at every edge (M, N and K) exact; only the
// final store needs bounds checks.

struct Params {
  M: u32,
  N: u32,
  K: u32,
  tilesN: u32, // ceil(N / BN), to turn a linear workgroup index into a tile position
}

@group(0) @binding(0) var<storage, read_write> c: array<f32>;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<uniform> p: Params;

override TRANS_A: bool = false; // A is stored (K, M) instead of (M, K)
override TRANS_B: bool = false; // B is stored (N, K) instead of (K, N)
override ACCUMULATE: bool = false; // C += product instead of C = product
override HAS_BIAS: bool = false; // adds bias[n] to column n
override BM: u32 = 64; // tile rows; a multiple of 4
override BN: u32 = 64; // tile columns; a multiple of 4
override BK: u32 = 16; // K step staged per barrier pair

// Staged operands. A is read at one address by all invocations of a row of the workgroup and
// B at consecutive addresses by consecutive invocations: software rasterisers (SwiftShader)
// turn those into one broadcast or one vector load instead of a per-lane gather, and GPUs
// see broadcasts and conflict-free banks. A keeps the layout of its global memory (so the
// staging copy is contiguous on both sides); B is always k-major.
var<workgroup> As: array<f32, BM * BK>;
var<workgroup> Bs: array<f32, BK * BN>;

fn a_index(m: u32, k: u32) -> u32 {
  if (TRANS_A) {
    return k * BM + m;
  }
  return m * BK + k;
}

fn load_a(m: u32, k: u32) -> f32 {
  if (m >= p.M || k >= p.K) {
    return 0.0;
  }
  if (TRANS_A) {
    return a[k * p.M + m];
  }
  return a[m * p.K + k];
}

fn load_b(k: u32, n: u32) -> f32 {
  if (n >= p.N || k >= p.K) {
    return 0.0;
  }
  if (TRANS_B) {
    return b[n * p.K + k];
  }
  return b[k * p.N + n];
}

fn store_c(m: u32, n: u32, v: f32) {
  if (m < p.M && n < p.N) {
    var r = v;
    if (HAS_BIAS) {
      r += bias[n];
    }
    if (ACCUMULATE) {
      r += c[m * p.N + n];
    }
    c[m * p.N + n] = r;
  }
}

fn store_row(m: u32, n: u32, v: vec4f) {
  let s = BN / 4u;
  store_c(m, n, v.x);
  store_c(m, n + s, v.y);
  store_c(m, n + 2u * s, v.z);
  store_c(m, n + 3u * s, v.w);
}

// Invocation (x, y) owns rows 4y..4y+3 of the tile and the strided columns x, x + BN/4,
// x + BN/2, x + 3BN/4, so that neighbouring invocations own neighbouring columns.
@compute @workgroup_size(BN / 4, BM / 4)
fn matmul(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u,
          @builtin(local_invocation_index) li: u32, @builtin(num_workgroups) nwg: vec3u) {
  let tile = wid.x + wid.y * nwg.x;
  // The whole workgroup shares `tile`, so this exit keeps the barriers below uniform.
  if (tile >= ((p.M + BM - 1u) / BM) * p.tilesN) {
    return;
  }
  let m0 = (tile / p.tilesN) * BM;
  let n0 = (tile % p.tilesN) * BN;
  let threads = (BM / 4u) * (BN / 4u);
  let s = BN / 4u;
  let row = lid.y * 4u;

  var acc0 = vec4f(0.0);
  var acc1 = vec4f(0.0);
  var acc2 = vec4f(0.0);
  var acc3 = vec4f(0.0);
  for (var k0 = 0u; k0 < p.K; k0 += BK) {
    // Consecutive invocations take consecutive addresses of the operand's global layout.
    for (var e = li; e < BM * BK; e += threads) {
      var m = e / BK;
      var k = e % BK;
      if (TRANS_A) {
        m = e % BM;
        k = e / BM;
      }
      As[a_index(m, k)] = load_a(m0 + m, k0 + k);
    }
    for (var e = li; e < BN * BK; e += threads) {
      var n = e % BN;
      var k = e / BN;
      if (TRANS_B) {
        n = e / BK;
        k = e % BK;
      }
      Bs[k * BN + n] = load_b(k0 + k, n0 + n);
    }
    workgroupBarrier();
    for (var k = 0u; k < BK; k++) {
      let bo = k * BN + lid.x;
      let bv = vec4f(Bs[bo], Bs[bo + s], Bs[bo + 2u * s], Bs[bo + 3u * s]);
      acc0 += As[a_index(row, k)] * bv;
      acc1 += As[a_index(row + 1u, k)] * bv;
      acc2 += As[a_index(row + 2u, k)] * bv;
      acc3 += As[a_index(row + 3u, k)] * bv;
    }
    workgroupBarrier();
  }

  let n = n0 + lid.x;
  store_row(m0 + row, n, acc0);
  store_row(m0 + row + 1u, n, acc1);
  store_row(m0 + row + 2u, n, acc2);
  store_row(m0 + row + 3u, n, acc3);
}

override BIAS_COLS: u32 = 64; // columns per workgroup
override BIAS_SLICES: u32 = 4; // invocations sharing one column, each summing every BIAS_SLICES-th row

var<workgroup> partial: array<f32, BIAS_COLS * BIAS_SLICES>;

// c (N) += Σ_m a (M, N). Each column is summed in a fixed order (strided slices, then the
// slices in order), so the result is deterministic without atomics.
@compute @workgroup_size(BIAS_COLS, BIAS_SLICES)
fn matmul_bias_backward(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u,
                        @builtin(num_workgroups) nwg: vec3u) {
  let n = (wid.x + wid.y * nwg.x) * BIAS_COLS + lid.x;
  var s = 0.0;
  if (n < p.N) {
    for (var m = lid.y; m < p.M; m += BIAS_SLICES) {
      s += a[m * p.N + n];
    }
  }
  partial[lid.y * BIAS_COLS + lid.x] = s;
  workgroupBarrier();
  if (lid.y == 0u && n < p.N) {
    var total = 0.0;
    for (var j = 0u; j < BIAS_SLICES; j++) {
      total += partial[j * BIAS_COLS + lid.x];
    }
    c[n] += total;
  }
}
