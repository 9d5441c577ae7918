// requires: attention_common.wgsl
// The backward of attention.wgsl's fused attention, as three deterministic passes with no
// float atomics, each gradient written by its owner: D_i = dout_i·out_i, then dq by query
// row, then dk and dv by key row. P_ij = exp(s_ij − lse_i) is recomputed from q, k and the
// forward's lse instead of being stored.

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
    next_kv_tile(blk.b, blk.h, k0, n, lid.x);
    var nvis = 0u;
    if (live) {
      nvis = keys_visible(i, k0, n);
    }
    for (var j = 0u; j < nvis; j++) {
      var s = 0.0;
      var dp = 0.0;
      for (var d4 = 0u; d4 < hs4; d4++) {
        let kj = kv4(blk.b, blk.h, k0, j, d4, 1u);
        s += dot(q[d4], kj);
        dp += dot(g[d4], kv4(blk.b, blk.h, k0, j, d4, 2u));
      }
      let ds = exp(s - lse_i) * (dp - d_i);
      for (var d4 = 0u; d4 < hs4; d4++) {
        dq[d4] += ds * kv4(blk.b, blk.h, k0, j, d4, 1u);
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
    next_q_tile(blk.b, blk.h, i0, n, lid.x);
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
      let pij = exp(s - lse_row(blk.b, blk.h, i0, r));
      let ds = pij * (dp - d_row(blk.b, blk.h, i0, r));
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
