// The Inspect forward on the float64 reference model: the CPU mode's engine for it and the
// oracle of the GPU one in tests. The parameters are read on every run, so a model that is
// being trained is seen as it is now.
import type { GPTConfig } from '../../core/config';
import { RefGPT } from '../ref/model';
import type { InspectEngine, InspectOptions, InspectRun } from './engine';

const f32 = (x: ArrayLike<number>) => Float32Array.from(x);

export class RefInspector implements InspectEngine {
  constructor(
    readonly config: GPTConfig,
    private readonly getParams: () => ArrayLike<number>,
    /** The parameters' layout alignment (see core/params paramLayout). */
    private readonly alignBytes = 256,
  ) {}

  run(tokens: Uint32Array, B: number, T: number, opts: InspectOptions = {}): Promise<InspectRun> {
    try {
      return Promise.resolve(this.runSync(tokens, B, T, opts));
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  }

  /** The same as run, without the promise. */
  runSync(tokens: Uint32Array, B: number, T: number, opts: InspectOptions = {}): InspectRun {
    if (tokens.length !== B * T) throw new RangeError(`inspect: ${tokens.length} tokens for B ${B} × T ${T}`);
    if (opts.targets && opts.targets.length !== B * T) throw new RangeError(`inspect: ${opts.targets.length} targets for B ${B} × T ${T}`);
    const model = new RefGPT(this.config, this.getParams(), this.alignBytes);
    const { logits } = model.forward(tokens, opts.targets ?? null, B, T, opts.interventions);
    const capture = opts.capture ?? {};
    const out: InspectRun = { logits: f32(logits), losses: opts.targets ? f32(model.tokenLosses()) : null };
    if (capture.sites) out.sites = f32(model.sites());
    if (capture.residuals) out.residuals = model.residuals().map(f32);
    if (capture.mlp) out.mlp = model.mlpActivations().map(f32);
    if (capture.probs) out.probs = model.attentionProbs().map(f32);
    return out;
  }

  params(): Promise<Float32Array> {
    return Promise.resolve(f32(this.getParams()));
  }

  destroy(): void {
    // Nothing is held between runs.
  }
}
