// The step over k shared by matmul_lanes.wgsl and attention_lanes.wgsl (functions only; the
// including module enables subgroups): a subgroup of 4 lanes owns a block of 8 rows of a tile
// (matmul_lanes has two), lane l holds A at rows l (va) and 4 + l (vb), and subgroupBroadcast
// hands each row's value to every lane, which multiplies it into its own columns b0 (and, with
// `wide`, b1).
//
// acc[2r] and acc[2r + 1]: row r, the lane's columns j < 4 and j ≥ 4. Indexed by constants
// only: an index known at run time would move the block to memory.
//
// Each product is added with fma (one rounding), as in matmul.wgsl, so every kernel gives the
// same bits. SwiftShader compiles fma to the CPU's fused multiply-add where it has one (else a
// multiply and an add): 5–10% faster than `acc += a * b` on the model's shapes.
fn lanes_step(acc: ptr<function, array<vec4f, 16>>, va: f32, vb: f32, b0: vec4f, b1: vec4f, wide: bool) {
  let a0 = subgroupBroadcast(va, 0u);
  let a1 = subgroupBroadcast(va, 1u);
  let a2 = subgroupBroadcast(va, 2u);
  let a3 = subgroupBroadcast(va, 3u);
  let a4 = subgroupBroadcast(vb, 0u);
  let a5 = subgroupBroadcast(vb, 1u);
  let a6 = subgroupBroadcast(vb, 2u);
  let a7 = subgroupBroadcast(vb, 3u);
  (*acc)[0] = fma(vec4f(a0), b0, (*acc)[0]);
  (*acc)[2] = fma(vec4f(a1), b0, (*acc)[2]);
  (*acc)[4] = fma(vec4f(a2), b0, (*acc)[4]);
  (*acc)[6] = fma(vec4f(a3), b0, (*acc)[6]);
  (*acc)[8] = fma(vec4f(a4), b0, (*acc)[8]);
  (*acc)[10] = fma(vec4f(a5), b0, (*acc)[10]);
  (*acc)[12] = fma(vec4f(a6), b0, (*acc)[12]);
  (*acc)[14] = fma(vec4f(a7), b0, (*acc)[14]);
  if (wide) {
    (*acc)[1] = fma(vec4f(a0), b1, (*acc)[1]);
    (*acc)[3] = fma(vec4f(a1), b1, (*acc)[3]);
    (*acc)[5] = fma(vec4f(a2), b1, (*acc)[5]);
    (*acc)[7] = fma(vec4f(a3), b1, (*acc)[7]);
    (*acc)[9] = fma(vec4f(a4), b1, (*acc)[9]);
    (*acc)[11] = fma(vec4f(a5), b1, (*acc)[11]);
    (*acc)[13] = fma(vec4f(a6), b1, (*acc)[13]);
    (*acc)[15] = fma(vec4f(a7), b1, (*acc)[15]);
  }
}
