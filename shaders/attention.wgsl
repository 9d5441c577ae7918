// requires: attention_common.wgsl
// Fused causal multi-head attention (flash-attention style, without float atomics).
//
// qkv is (B, T, 3C): q | k | v along the channels, head h owning channels h·hs … (h+1)·hs−1 of
// each. out is (B, T, C), lse and D are (B, NH, T), probs is (B, NH, T, T).
//
// The forward never materialises the T×T scores: a workgroup owns ROWS query rows of one
// (batch, head), one invocation per row, and walks the keys in tiles of TILE rows staged in
// workgroup memory (or read straight from global memory, STAGED off: see kv4), keeping a
// running max m, a running sum l and an unnormalised output that is rescaled whenever m grows.
// Masked keys are never visited, which is a true −∞ mask. No −∞ is ever stored: the first
// tile a row sees sets m outright (exp(−∞ − −∞) would be NaN).
//
// The backward (attention_backward.wgsl) recomputes P_ij = exp(s_ij − lse_i) instead of
// storing it, and avoids atomics by splitting into an owner-writes pass per gradient: dq by
// query row, dk and dv by key row. Bindings, pipeline constants, workgroup tiles and the
// helpers both files use are in attention_common.wgsl.

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
    next_kv_tile(blk.b, blk.h, k0, n, lid.x);
    var nvis = 0u;
    if (live) {
      nvis = keys_visible(i, k0, n);
    }
    if (nvis > 0u) {
      var tmax = 0.0;
      for (var j = 0u; j < nvis; j++) {
        var s = 0.0;
        for (var d4 = 0u; d4 < hs4; d4++) {
          s += dot(q[d4], kv4(blk.b, blk.h, k0, j, d4, 1u));
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
          acc[d4] += pj * kv4(blk.b, blk.h, k0, j, d4, 2u);
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
