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

// Staged operands, k-major so that the inner loop reads 4 consecutive rows (columns) as one
// vec4: As[k * BM/4 + i] holds rows 4i..4i+3 of column k of the A tile.
var<workgroup> As: array<vec4f, BK * BM / 4>;
var<workgroup> Bs: array<vec4f, BK * BN / 4>;

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

  var acc = array<vec4f, 4>(vec4f(0.0), vec4f(0.0), vec4f(0.0), vec4f(0.0));
  for (var k0 = 0u; k0 < p.K; k0 += BK) {
    // Consecutive invocations take consecutive addresses of whichever layout the operand
    // has in global memory, so their reads coalesce.
    for (var e = li; e < BM * BK; e += threads) {
      var m = e / BK;
      var k = e % BK;
      if (TRANS_A) {
        m = e % BM;
        k = e / BM;
      }
      As[k * (BM / 4u) + m / 4u][m % 4u] = load_a(m0 + m, k0 + k);
    }
    for (var e = li; e < BN * BK; e += threads) {
      var n = e % BN;
      var k = e / BN;
      if (TRANS_B) {
        n = e / BK;
        k = e % BK;
      }
      Bs[k * (BN / 4u) + n / 4u][n % 4u] = load_b(k0 + k, n0 + n);
    }
    workgroupBarrier();
    for (var k = 0u; k < BK; k++) {
      let av = As[k * (BM / 4u) + lid.y];
      let bv = Bs[k * (BN / 4u) + lid.x];
      acc[0] += av.x * bv;
      acc[1] += av.y * bv;
      acc[2] += av.z * bv;
      acc[3] += av.w * bv;
    }
    workgroupBarrier();
  }

  let nBase = n0 + lid.x * 4u;
  for (var i = 0u; i < 4u; i++) {
    let m = m0 + lid.y * 4u + i;
    if (m >= p.M) {
      break;
    }
    for (var j = 0u; j < 4u; j++) {
      let n = nBase + j;
      if (n >= p.N) {
        break;
      }
      var v = acc[i][j];
      if (HAS_BIAS) {
        v += bias[n];
      }
      if (ACCUMULATE) {
        v += c[m * p.N + n];
      }
      c[m * p.N + n] = v;
    }
  }
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
