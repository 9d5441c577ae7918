// requires: matmul.wgsl, lanes_block.wgsl
// The product of matmul.wgsl (same bindings, operand layouts, f16 weights, bias and
// epilogues) for a workgroup that is one subgroup of 4 lanes, with no workgroup memory and no
// barrier: composed with `enable subgroups;` (kernels/shaders.ts) and chosen for software
// adapters (engine/tune/defaults.ts).
//
// The workgroup owns a 16×32 output tile: lane l computes rows m0 … m0 + 15 at the columns
// n0 + l + 4j (j < 8). At each k, lane l reads A at rows m0 + 4i + l (i < 4), and
// subgroupBroadcast hands every row's value to all four lanes; each lane reads its own 8
// columns of B. That is 12 reads per lane for 128 multiply-adds.
//
// Why: on SwiftShader a read with an index known only at run time is a gather (one load per
// lane), whether from storage or workgroup memory, and a barrier switches between the
// workgroup's SIMD groups. The tiled kernel pays a staging copy and two barriers per K step
// and reads the same A value in every lane; here every lane's read is a value some lane
// needs. Measured against the tiled 64×64 kernel at the model's shapes (512×384×128 NT,
// 512×128×384 NN, 384×128×512 TN), alternating in one page: 1.6–2.4× faster with an 8×32
// tile; the 16×32 tile with fma (lanes_block.wgsl) is a further 1.2× (medians of 25 runs;
// 12 rows gave 1.1×, 24 rows no more than 16). The two 8-row halves' 32 vec4 accumulators
// spill from the CPU's registers, but a spilled multiply-add costs less than a gathered read.
//
// Rows and columns past the edge read a clamped (valid) index and are never stored, so the
// loop over k has no bounds checks; the sum over k runs in order, one accumulator per output.

// BIAS_GRAD (with TRANS_A: the weight gradient doutᵀ · inp, A = dout stored (K, M)): the
// lanes already read every row of A in full, so the tiles of the first column block also add
// row m's sum over k to dbias[m], which spares the bias gradient its own pass. Summed in
// order of k, then added once, so it is deterministic.
override BIAS_GRAD: bool = false;
@group(0) @binding(7) var<storage, read_write> dbias: array<f32>;

fn lane_a(m: u32, k: u32) -> f32 {
  if (TRANS_A) {
    return a[k * p.M + m];
  }
  return a[m * p.K + k];
}

fn lane_b(k: u32, n: u32) -> f32 {
  if (TRANS_B) {
    return b_at(n * p.K + k);
  }
  return b_at(k * p.N + n);
}

// Row m's eight columns n + 4j through the epilogue: lo holds j < 4, hi j ≥ 4.
fn lane_store(m: u32, n: u32, lo: vec4f, hi: vec4f, blo: vec4f, bhi: vec4f) {
  for (var j = 0u; j < 4u; j++) {
    finish(m, n + 4u * j, lo[j] + blo[j]);
    finish(m, n + 16u + 4u * j, hi[j] + bhi[j]);
  }
}

// Step k of the tile: A at this lane's four rows, B at its eight columns, into both blocks.
fn lanes_k(top: ptr<function, array<vec4f, 16>>, bottom: ptr<function, array<vec4f, 16>>,
           sums: ptr<function, vec4f>, k: u32, rows: vec4u, lo: vec4u, hi: vec4u) {
  let va = lane_a(rows.x, k);
  let vb = lane_a(rows.y, k);
  let vc = lane_a(rows.z, k);
  let vd = lane_a(rows.w, k);
  if (BIAS_GRAD) {
    *sums += vec4f(va, vb, vc, vd);
  }
  let b0 = vec4f(lane_b(k, lo.x), lane_b(k, lo.y), lane_b(k, lo.z), lane_b(k, lo.w));
  let b1 = vec4f(lane_b(k, hi.x), lane_b(k, hi.y), lane_b(k, hi.z), lane_b(k, hi.w));
  lanes_step(top, va, vb, b0, b1, true);
  lanes_step(bottom, vc, vd, b0, b1, true);
}

@compute @workgroup_size(4)
fn matmul_lanes(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
                @builtin(subgroup_invocation_id) l: u32) {
  let tile = wid.x + wid.y * nwg.x;
  if (tile >= ((p.M + 15u) / 16u) * p.tilesN) {
    return;
  }
  let m0 = (tile / p.tilesN) * 16u;
  let n = (tile % p.tilesN) * 32u + l;
  // The rows this lane reads for the others, and its columns, clamped into the matrix.
  let last_m = p.M - 1u;
  let rows = min(vec4u(m0) + vec4u(0u, 4u, 8u, 12u) + l, vec4u(last_m));
  let last = p.N - 1u;
  let cols_lo = min(vec4u(n) + vec4u(0u, 4u, 8u, 12u), vec4u(last));
  let cols_hi = min(vec4u(n) + vec4u(16u, 20u, 24u, 28u), vec4u(last));

  // top: rows m0 … m0 + 7, bottom: rows m0 + 8 … m0 + 15 (lanes_block.wgsl's layout each).
  var top: array<vec4f, 16>;
  var bottom: array<vec4f, 16>;
  var sums = vec4f(0.0);
  // Two steps of k per iteration (1.13× over one at the model's shapes, medians of 25 runs),
  // still in order of k.
  let k_even = p.K & ~1u;
  for (var k = 0u; k < k_even; k += 2u) {
    lanes_k(&top, &bottom, &sums, k, rows, cols_lo, cols_hi);
    lanes_k(&top, &bottom, &sums, k + 1u, rows, cols_lo, cols_hi);
  }
  if (k_even < p.K) {
    lanes_k(&top, &bottom, &sums, k_even, rows, cols_lo, cols_hi);
  }

  if (BIAS_GRAD && tile % p.tilesN == 0u) {
    for (var i = 0u; i < 4u; i++) {
      let m = m0 + 4u * i + l;
      if (m < p.M) {
        dbias[m] += sums[i];
      }
    }
  }

  let blo = vec4f(load_bias(n), load_bias(n + 4u), load_bias(n + 8u), load_bias(n + 12u));
  let bhi = vec4f(load_bias(n + 16u), load_bias(n + 20u), load_bias(n + 24u), load_bias(n + 28u));
  // Written out: a loop would index the blocks at run time, which moves them to memory.
  lane_store(m0, n, top[0], top[1], blo, bhi);
  lane_store(m0 + 1u, n, top[2], top[3], blo, bhi);
  lane_store(m0 + 2u, n, top[4], top[5], blo, bhi);
  lane_store(m0 + 3u, n, top[6], top[7], blo, bhi);
  lane_store(m0 + 4u, n, top[8], top[9], blo, bhi);
  lane_store(m0 + 5u, n, top[10], top[11], blo, bhi);
  lane_store(m0 + 6u, n, top[12], top[13], blo, bhi);
  lane_store(m0 + 7u, n, top[14], top[15], blo, bhi);
  lane_store(m0 + 8u, n, bottom[0], bottom[1], blo, bhi);
  lane_store(m0 + 9u, n, bottom[2], bottom[3], blo, bhi);
  lane_store(m0 + 10u, n, bottom[4], bottom[5], blo, bhi);
  lane_store(m0 + 11u, n, bottom[6], bottom[7], blo, bhi);
  lane_store(m0 + 12u, n, bottom[8], bottom[9], blo, bhi);
  lane_store(m0 + 13u, n, bottom[10], bottom[11], blo, bhi);
  lane_store(m0 + 14u, n, bottom[12], bottom[13], blo, bhi);
  lane_store(m0 + 15u, n, bottom[14], bottom[15], blo, bhi);
}
