// GELU, GPT-2's tanh form: gelu(x) = 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), and its
// derivative: functions only, appended to the kernels that require them (activation.wgsl,
// matmul.wgsl's fused epilogues) by src/engine/kernels/shaders.ts.
//
// GELU is computed as x·σ(2u), u = √(2/π)·(x + 0.044715·x³), which equals 0.5·x·(1 + tanh(u))
// but needs no tanh: WGSL's tanh gives NaN for large |u| on some implementations (sinh/cosh
// overflow), and near t = −1 the sum 1 + tanh(u) loses every digit of the small tail values.
// σ(z) = 1/(1 + exp(−z)) saturates cleanly (exp → inf gives 0, exp → 0 gives 1) and keeps
// its relative accuracy in both tails; so does σ(−z), used for 1 − σ(z) in the derivative.

const GELU_SCALE: f32 = 0.7978845608028654; // √(2/π)
const GELU_CUBIC: f32 = 0.044715;

fn gelu_z(x: f32) -> f32 {
  return 2.0 * GELU_SCALE * (x + GELU_CUBIC * x * x * x);
}

fn sigmoid(z: f32) -> f32 {
  return 1.0 / (1.0 + exp(-z));
}

fn gelu(x: f32) -> f32 {
  return x * sigmoid(gelu_z(x));
}

// d/dx [x·σ(z)] = σ(z) + x·σ(z)·σ(−z)·dz/dx, dz/dx = 2·√(2/π)·(1 + 3·0.044715·x²)
fn gelu_grad(x: f32) -> f32 {
  let z = gelu_z(x);
  let s = sigmoid(z);
  let dz = 2.0 * GELU_SCALE * (1.0 + 3.0 * GELU_CUBIC * x * x);
  return s + x * s * sigmoid(-z) * dz;
}
