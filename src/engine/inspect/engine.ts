// One forward of the model with interventions and captures: what every view of the Inspect
// area is computed from. Two implementations with one meaning: the GPU engine's
// (gpu-inspector.ts) and the float64 reference's (ref-inspector.ts), which is also the CPU
// mode's and the oracle of the GPU one in tests.
import type { GPTConfig } from '../../core/config';
import type { Interventions } from '../../core/inspect';

export interface CaptureRequest {
  /** (L, SITES, B, T, C): every site's value as it entered the rest of the model (after interventions). */
  sites?: boolean;
  /** L + 1 arrays (B, T, C): the residual stream entering block 0 (the embeddings' sum) and leaving each block. */
  residuals?: boolean;
  /** Per layer (B, T, 4C): the MLP's activations act(fc(x)). */
  mlp?: boolean;
  /** Per layer (B, NH, T, T): the attention probabilities. */
  probs?: boolean;
}

export interface InspectRun {
  /** (B, T, V). */
  logits: Float32Array;
  /** (B, T) cross-entropy in nats of each target; null without targets. */
  losses: Float32Array | null;
  sites?: Float32Array;
  residuals?: Float32Array[];
  mlp?: Float32Array[];
  probs?: Float32Array[];
}

export interface InspectOptions {
  /** (B, T) next tokens: losses are returned. */
  targets?: Uint32Array;
  interventions?: Interventions;
  capture?: CaptureRequest;
}

export interface InspectEngine {
  readonly config: GPTConfig;
  /** Runs `tokens` (B, T), T ≤ blockSize, with the interventions, returning what was asked for. */
  run(tokens: Uint32Array, B: number, T: number, opts?: InspectOptions): Promise<InspectRun>;
  /** The weights now (flat layout, see core/params). */
  params(): Promise<Float32Array>;
  destroy(): void;
}
