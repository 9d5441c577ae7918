// requires: gelu.wgsl
// Matrix products for linear layers, row-major throughout.
//
//   matmul:               C (M, N) = op(A) · op(B) [+ bias] [+ C], then an optional epilogue
//     forward   out  = inp · Wᵀ + b   A = inp (M, K),          B = W stored (N, K)  TRANS_B
//     backward  dinp = dout · W       A = dout (M, K),         B = W stored (K, N)
//     backward  dW  += doutᵀ · inp    A = dout stored (K, M),  B = inp (K, N)       TRANS_A
//   matmul_rows:          the same contract for a few rows (M ≤ ROWS_MAX, one token being
//                         decoded): one output column per invocation, no tile to waste.
//   matmul_bias_backward: dbias (N) += Σ_rows A (M, N)
//
// Epilogues, applied to v = product + bias of element (m, n) before it is stored:
//   EPILOGUE 0  c = v              (c += v with ACCUMULATE)
//   EPILOGUE 1  c = v, out2 = act(v)          a linear layer and its activation: c keeps the
//                                             pre-activation the backward needs
//   EPILOGUE 2  c = aux + v                   a linear layer added to the residual stream aux
//   EPILOGUE 3  c = v · act′(aux)             the backward of act through the layer before it:
//                                             v = d act(x), aux = x (the pre-activation)
// act is GELU (ACT 0) or ReLU (ACT 1), the functions of activation.wgsl.
//
// Each workgroup owns a BM×BN output tile and walks K in steps of BK, staging both operands
// in workgroup memory; each invocation keeps an 8×8 block of outputs in registers as vec4s,
// so one staged value feeds eight multiply-adds (a 4×4 block for small products).
// Out-of-range operand elements are staged as zeros, which makes partial tiles at every edge
// (M, N and K) exact; only the final store needs bounds checks. Every kernel here and in
// matmul_lanes.wgsl sums each output over k in order with fma, so they give the same bits.
//
// Why scalar staged reads, strided columns and a hand-unrolled 8×8 block: on SwiftShader (our
// CI and no-GPU machines) a workgroup memory read costs one vector load when the invocations
// of a SIMD group read the same word (A here) or consecutive words (B: invocation x owns
// columns x + j·BN/8), and a gather of one load per invocation otherwise. Staging vec4s with
// each invocation owning 8 adjacent columns (a quarter of the read instructions, but strided
// across invocations) measured the same at 512³ (1.01×, alternating trials), so the simpler
// layout stays; on GPUs it is a broadcast and conflict-free consecutive reads. A loop over the
// block indexes the accumulators dynamically, which moves them to memory (2× slower).

struct Params {
  M: u32,
  N: u32,
  K: u32,
  tilesN: u32, // ceil(N / BN), to turn a linear workgroup index into a tile position
  boff: u32, // B_F16: B's first element in the packed buffer
}

@group(0) @binding(0) var<storage, read_write> c: array<f32>;
@group(0) @binding(1) var<storage, read> a: array<f32>;
// f32 bits, or with B_F16 two binary16 values per word (half.wgsl's packing), B starting at
// element p.boff: f16 weights for inference, half the bytes read.
@group(0) @binding(2) var<storage, read> b: array<u32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<uniform> p: Params;
@group(0) @binding(5) var<storage, read> aux: array<f32>; // EPILOGUE 2: residual; 3: pre-activation
@group(0) @binding(6) var<storage, read_write> out2: array<f32>; // EPILOGUE 1: act(v)

override TRANS_A: bool = false; // A is stored (K, M) instead of (M, K)
override TRANS_B: bool = false; // B is stored (N, K) instead of (K, N)
override ACCUMULATE: bool = false; // C += product instead of C = product (EPILOGUE 0 only)
override HAS_BIAS: bool = false; // adds bias[n] to column n
override B_F16: bool = false; // B is stored as packed binary16
override EPILOGUE: u32 = 0;
override ACT: u32 = 0; // 0 GELU, 1 ReLU
override BM: u32 = 64; // tile rows; a multiple of RM
override BN: u32 = 64; // tile columns; a multiple of RN
override RM: u32 = 8; // rows of each invocation's block: 8 or 4
override RN: u32 = 8; // columns of each invocation's block: 8 or 4
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

fn b_at(i: u32) -> f32 {
  if (B_F16) {
    let j = p.boff + i;
    return unpack2x16float(b[j >> 1u])[j & 1u];
  }
  return bitcast<f32>(b[i]);
}

fn load_b(k: u32, n: u32) -> f32 {
  if (n >= p.N || k >= p.K) {
    return 0.0;
  }
  if (TRANS_B) {
    return b_at(n * p.K + k);
  }
  return b_at(k * p.N + n);
}

fn load_bias(n: u32) -> f32 {
  if (!HAS_BIAS || n >= p.N) {
    return 0.0;
  }
  return bias[n];
}

// Stores v = product + bias of element (m, n) through the epilogue.
fn finish(m: u32, n: u32, v: f32) {
  if (m >= p.M || n >= p.N) {
    return;
  }
  let i = m * p.N + n;
  switch EPILOGUE {
    case 1u: {
      c[i] = v;
      out2[i] = act_forward(v);
    }
    case 2u: {
      c[i] = aux[i] + v;
    }
    case 3u: {
      c[i] = v * act_grad(aux[i]);
    }
    default: {
      if (ACCUMULATE) {
        c[i] += v;
      } else {
        c[i] = v;
      }
    }
  }
}

fn act_forward(x: f32) -> f32 {
  if (ACT == 1u) {
    return max(x, 0.0);
  }
  return gelu(x);
}

// d act / dx at x; ReLU's is 0 at x ≤ 0 (select, as in relu_backward, so that an inf or NaN
// gradient where x ≤ 0 does not leak through the product).
fn act_grad(x: f32) -> f32 {
  if (ACT == 1u) {
    return select(0.0, 1.0, x > 0.0);
  }
  return gelu_grad(x);
}

// Row m of the block: columns n + j·BN/RN for j < RN, held as lo (j < 4) and hi (j ≥ 4).
fn store_row(m: u32, n: u32, lo: vec4f, hi: vec4f, bias_lo: vec4f, bias_hi: vec4f) {
  let s = BN / RN;
  for (var j = 0u; j < 4u; j++) {
    finish(m, n + j * s, lo[j] + bias_lo[j]);
    if (RN == 8u) {
      finish(m, n + (j + 4u) * s, hi[j] + bias_hi[j]);
    }
  }
}

// Invocation (x, y) owns rows RM·y … RM·y + RM − 1 of the tile and the strided columns
// x + j·BN/RN, so that neighbouring invocations own neighbouring columns (coalesced stores).
// The block is 8×8, or 4×4 for small products (RM = RN = 4, see tuning.ts), where a large
// tile would leave most of the device idle; the 4-row and 4-column halves compile away.
@compute @workgroup_size(BN / RN, BM / RM)
fn matmul(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u,
          @builtin(local_invocation_index) li: u32, @builtin(num_workgroups) nwg: vec3u) {
  let tile = wid.x + wid.y * nwg.x;
  // The whole workgroup shares `tile`, so this exit keeps the barriers below uniform.
  if (tile >= ((p.M + BM - 1u) / BM) * p.tilesN) {
    return;
  }
  let m0 = (tile / p.tilesN) * BM;
  let n0 = (tile % p.tilesN) * BN;
  let threads = (BM / RM) * (BN / RN);
  let s = BN / RN;
  let row = lid.y * RM;
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
      let ai = a_index(row, k);
      let a0 = As[ai];
      let a1 = As[ai + ra];
      let a2 = As[ai + 2u * ra];
      let a3 = As[ai + 3u * ra];
      acc[0] = fma(vec4f(a0), b0, acc[0]);
      acc[2] = fma(vec4f(a1), b0, acc[2]);
      acc[4] = fma(vec4f(a2), b0, acc[4]);
      acc[6] = fma(vec4f(a3), b0, acc[6]);
      var a4 = 0.0;
      var a5 = 0.0;
      var a6 = 0.0;
      var a7 = 0.0;
      if (RM == 8u) {
        a4 = As[ai + 4u * ra];
        a5 = As[ai + 5u * ra];
        a6 = As[ai + 6u * ra];
        a7 = As[ai + 7u * ra];
        acc[8] = fma(vec4f(a4), b0, acc[8]);
        acc[10] = fma(vec4f(a5), b0, acc[10]);
        acc[12] = fma(vec4f(a6), b0, acc[12]);
        acc[14] = fma(vec4f(a7), b0, acc[14]);
      }
      if (RN == 8u) {
        let b1 = vec4f(Bs[bo + 4u * s], Bs[bo + 5u * s], Bs[bo + 6u * s], Bs[bo + 7u * s]);
        acc[1] = fma(vec4f(a0), b1, acc[1]);
        acc[3] = fma(vec4f(a1), b1, acc[3]);
        acc[5] = fma(vec4f(a2), b1, acc[5]);
        acc[7] = fma(vec4f(a3), b1, acc[7]);
        if (RM == 8u) {
          acc[9] = fma(vec4f(a4), b1, acc[9]);
          acc[11] = fma(vec4f(a5), b1, acc[11]);
          acc[13] = fma(vec4f(a6), b1, acc[13]);
          acc[15] = fma(vec4f(a7), b1, acc[15]);
        }
      }
    }
    workgroupBarrier();
  }

  let m = m0 + row;
  let n = n0 + lid.x;
  // Every row of the block shares its columns, so the bias is read once per column.
  let bias0 = vec4f(load_bias(n), load_bias(n + s), load_bias(n + 2u * s), load_bias(n + 3u * s));
  var bias1 = vec4f(0.0);
  if (RN == 8u) {
    bias1 = vec4f(load_bias(n + 4u * s), load_bias(n + 5u * s), load_bias(n + 6u * s), load_bias(n + 7u * s));
  }
  store_row(m, n, acc[0], acc[1], bias0, bias1);
  store_row(m + 1u, n, acc[2], acc[3], bias0, bias1);
  store_row(m + 2u, n, acc[4], acc[5], bias0, bias1);
  store_row(m + 3u, n, acc[6], acc[7], bias0, bias1);
  if (RM == 8u) {
    store_row(m + 4u, n, acc[8], acc[9], bias0, bias1);
    store_row(m + 5u, n, acc[10], acc[11], bias0, bias1);
    store_row(m + 6u, n, acc[12], acc[13], bias0, bias1);
    store_row(m + 7u, n, acc[14], acc[15], bias0, bias1);
  }
}

override ROWS_MAX: u32 = 4; // matmul_rows serves M ≤ ROWS_MAX ≤ 4 (set to M)
override ROWS_WG: u32 = 64;

// One output column n per invocation for every row m < M ≤ ROWS_MAX: the decoder's one-row
// products, where a BM-row tile would compute BM − 1 rows of nothing.
@compute @workgroup_size(ROWS_WG)
fn matmul_rows(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u,
               @builtin(num_workgroups) nwg: vec3u) {
  let n = (wid.x + wid.y * nwg.x) * ROWS_WG + lid.x;
  if (n >= p.N) {
    return;
  }
  // Row m's sum in component m; rows past ROWS_MAX (a pipeline constant) cost nothing.
  var acc = vec4f(0.0);
  for (var k = 0u; k < p.K; k++) {
    let w = load_b(k, n);
    acc.x = fma(load_a(0u, k), w, acc.x);
    if (ROWS_MAX > 1u) {
      acc.y = fma(load_a(1u, k), w, acc.y);
    }
    if (ROWS_MAX > 2u) {
      acc.z = fma(load_a(2u, k), w, acc.z);
    }
    if (ROWS_MAX > 3u) {
      acc.w = fma(load_a(3u, k), w, acc.w);
    }
  }
  let bn = load_bias(n);
  for (var m = 0u; m < p.M; m++) {
    finish(m, n, acc[m] + bn);
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
