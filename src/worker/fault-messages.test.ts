// The Train panel's message after a divergence names what diverged: the loss, or the gradient
// norm of a step whose loss was still finite.
import { describe, expect, it } from 'vitest';
import { divergedMessage } from './fault-messages';

describe('divergedMessage', () => {
  it('names the loss when the loss diverged', () => {
    expect(divergedMessage({ step: 7, loss: NaN }, 0.01, 4)).toBe(
      'The loss became NaN at step 7, so training paused and the model went back to its weights from step 4. The learning rate (0.01) is probably too high: lower it, then press Train to continue.',
    );
  });

  it('names the gradient norm, with the finite loss, when the norm diverged', () => {
    expect(divergedMessage({ step: 7, loss: 2.31456, gradNorm: Infinity }, 0.01, 4)).toBe(
      'The gradient norm became Infinity (the loss was 2.315) at step 7, so training paused and the model went back to its weights from step 4. The learning rate (0.01) is probably too high: lower it, then press Train to continue.',
    );
    expect(divergedMessage({ step: 1, loss: 3, gradNorm: NaN }, 0.01, -1)).toMatch(/^The gradient norm became NaN \(the loss was 3\.000\) at step 1, so training paused\. .* press Reset\.$/);
  });
});
