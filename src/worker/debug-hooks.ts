// What the test-only requests do inside a real training step, so that the fault paths they
// exercise are the ones a user meets.

/**
 * A compute dispatch with no pipeline set: the GPU refuses it with a validation error when the
 * step's encoder is finished, so nothing of that step runs, as with any invalid command.
 */
export function recordBadDispatch(enc: GPUCommandEncoder): void {
  const pass = enc.beginComputePass({ label: 'test: a dispatch with no pipeline' });
  pass.dispatchWorkgroups(1);
  pass.end();
}
