// The step over k shared by matmul_lanes.wgsl and attention_lanes.wgsl (functions only; the
// including module enables subgroups): a subgroup of 4 lanes owns 8 rows of a tile, lane l
// holds A at rows l (va) and 4 + l (vb), and subgroupBroadcast hands each row's value to every
// lane, which multiplies it into its own columns b0 (and, with `wide`, b1).
//
// acc[2r] and acc[2r + 1]: row r, the lane's columns j < 4 and j ≥ 4. Indexed by constants
// only: an index known at run time would move the block to memory.
fn lanes_step(acc: ptr<function, array<vec4f, 16>>, va: f32, vb: f32, b0: vec4f, b1: vec4f, wide: bool) {
  let a0 = subgroupBroadcast(va, 0u);
  let a1 = subgroupBroadcast(va, 1u);
  let a2 = subgroupBroadcast(va, 2u);
  let a3 = subgroupBroadcast(va, 3u);
  let a4 = subgroupBroadcast(vb, 0u);
  let a5 = subgroupBroadcast(vb, 1u);
  let a6 = subgroupBroadcast(vb, 2u);
  let a7 = subgroupBroadcast(vb, 3u);
  (*acc)[0] += a0 * b0;
  (*acc)[2] += a1 * b0;
  (*acc)[4] += a2 * b0;
  (*acc)[6] += a3 * b0;
  (*acc)[8] += a4 * b0;
  (*acc)[10] += a5 * b0;
  (*acc)[12] += a6 * b0;
  (*acc)[14] += a7 * b0;
  if (wide) {
    (*acc)[1] += a0 * b1;
    (*acc)[3] += a1 * b1;
    (*acc)[5] += a2 * b1;
    (*acc)[7] += a3 * b1;
    (*acc)[9] += a4 * b1;
    (*acc)[11] += a5 * b1;
    (*acc)[13] += a6 * b1;
    (*acc)[15] += a7 * b1;
  }
}
