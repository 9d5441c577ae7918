// Matrix products for linear layers, row-major throughout.
//
//   matmul:               C (M, N) = op(A) · op(B) [+ bias] [+ C]     (one kernel, three uses)
//     forward   out  = inp · Wᵀ + b   A = inp (M, K),          B = W stored (N, K)  TRANS_B
//     backward  dinp = dout · W       A = dout (M, K),         B = W stored (K, N)
//     backward  dW  += doutᵀ · inp    A = dout stored (K, M),  B = inp (K, N)       TRANS_A
//   matmul_bias_backward: dbias (N) += Σ_rows A (M, N)
//
// Each workgroup owns a BM×BN output tile and walks K in steps of BK, staging both operands
// in workgroup memory; each invocation keeps an 8×8 block of outputs in registers, so one
// staged value feeds eight multiply-adds. Out-of-range operand elements are staged as zeros,
// which makes partial tiles at every edge (M, N and K) exact; only the final store needs
// bounds checks.
//
// Why 8×8 and hand-unrolled: on SwiftShader (our CI and no-GPU machines) every workgroup
// memory read with a per-invocation index is a gather costing several multiply-adds, so
// reads per multiply-add decide the speed (4×4: 1/2, 8×8: 1/4); and a loop over the block
// indexes the accumulators dynamically, which moves them to memory (measured 2× slower).

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
override BM: u32 = 64; // tile rows; a multiple of 8
override BN: u32 = 64; // tile columns; a multiple of 8
override BK: u32 = 16; // K step staged per barrier pair

// Staged operands. A keeps the layout it has in global memory (so both sides of the staging
// copy are contiguous); B is k-major, so neighbouring invocations read neighbouring words.
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
    if (ACCUMULATE) {
      c[m * p.N + n] += v;
    } else {
      c[m * p.N + n] = v;
    }
  }
}

fn load_bias(n: u32) -> f32 {
  if (!HAS_BIAS || n >= p.N) {
    return 0.0;
  }
  return bias[n];
}

// Row m of the block: columns n + j·BN/8 for j = 0..7, held as lo (j < 4) and hi.
fn store_row(m: u32, n: u32, lo: vec4f, hi: vec4f) {
  let s = BN / 8u;
  for (var j = 0u; j < 4u; j++) {
    store_c(m, n + j * s, lo[j]);
    store_c(m, n + (j + 4u) * s, hi[j]);
  }
}

// Invocation (x, y) owns rows 8y..8y+7 of the tile and the strided columns x + j·BN/8, so
// that neighbouring invocations own neighbouring columns (coalesced stores).
@compute @workgroup_size(BN / 8, BM / 8)
fn matmul(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u,
          @builtin(local_invocation_index) li: u32, @builtin(num_workgroups) nwg: vec3u) {
  let tile = wid.x + wid.y * nwg.x;
  // The whole workgroup shares `tile`, so this exit keeps the barriers below uniform.
  if (tile >= ((p.M + BM - 1u) / BM) * p.tilesN) {
    return;
  }
  let m0 = (tile / p.tilesN) * BM;
  let n0 = (tile % p.tilesN) * BN;
  let threads = (BM / 8u) * (BN / 8u);
  let s = BN / 8u;
  let row = lid.y * 8u;
  let ra = a_index(1u, 0u); // distance in As between rows m and m + 1

  // acc[2i] and acc[2i + 1]: row i of the block, columns j < 4 and j ≥ 4.
  var acc: array<vec4f, 16>;
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
      let b0 = vec4f(Bs[bo], Bs[bo + s], Bs[bo + 2u * s], Bs[bo + 3u * s]);
      let b1 = vec4f(Bs[bo + 4u * s], Bs[bo + 5u * s], Bs[bo + 6u * s], Bs[bo + 7u * s]);
      let ai = a_index(row, k);
      let a0 = As[ai];
      acc[0] += a0 * b0;
      acc[1] += a0 * b1;
      let a1 = As[ai + ra];
      acc[2] += a1 * b0;
      acc[3] += a1 * b1;
      let a2 = As[ai + 2u * ra];
      acc[4] += a2 * b0;
      acc[5] += a2 * b1;
      let a3 = As[ai + 3u * ra];
      acc[6] += a3 * b0;
      acc[7] += a3 * b1;
      let a4 = As[ai + 4u * ra];
      acc[8] += a4 * b0;
      acc[9] += a4 * b1;
      let a5 = As[ai + 5u * ra];
      acc[10] += a5 * b0;
      acc[11] += a5 * b1;
      let a6 = As[ai + 6u * ra];
      acc[12] += a6 * b0;
      acc[13] += a6 * b1;
      let a7 = As[ai + 7u * ra];
      acc[14] += a7 * b0;
      acc[15] += a7 * b1;
    }
    workgroupBarrier();
  }

  let m = m0 + row;
  let n = n0 + lid.x;
  // Every row of the block shares its columns, so the bias is read once per column.
  let bias0 = vec4f(load_bias(n), load_bias(n + s), load_bias(n + 2u * s), load_bias(n + 3u * s));
  let bias1 = vec4f(load_bias(n + 4u * s), load_bias(n + 5u * s), load_bias(n + 6u * s), load_bias(n + 7u * s));
  store_row(m, n, acc[0] + bias0, acc[1] + bias1);
  store_row(m + 1u, n, acc[2] + bias0, acc[3] + bias1);
  store_row(m + 2u, n, acc[4] + bias0, acc[5] + bias1);
  store_row(m + 3u, n, acc[6] + bias0, acc[7] + bias1);
  store_row(m + 4u, n, acc[8] + bias0, acc[9] + bias1);
  store_row(m + 5u, n, acc[10] + bias0, acc[11] + bias1);
  store_row(m + 6u, n, acc[12] + bias0, acc[13] + bias1);
  store_row(m + 7u, n, acc[14] + bias0, acc[15] + bias1);
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
