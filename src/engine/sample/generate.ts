// Autoregressive generation over any source of next-token logits: the GPU decoder with its
// KV cache, a full re-run per token (models without the causal mask), or the CPU reference.
// The context is cropped to the last blockSize tokens as nanoGPT's generate() does.
import { Rng } from '../../core/rng';
import { argmax, drawToken, nextTokenDistribution, type GenerateOptions } from '../../core/distribution';

export type { GenerateOptions } from '../../core/distribution';

export interface LogitsSource {
  readonly blockSize: number;
  /** Forgets any state, runs `context` (1..blockSize tokens), returns the logits after it. */
  prefill(context: Uint32Array): Promise<Float32Array>;
  /** Appends one token to the state of the last prefill; null when it cannot (cache full). */
  next(token: number): Promise<Float32Array | null>;
}


export interface GeneratedToken {
  token: number;
  /** The distribution the token was drawn from (after temperature, top-k, top-p). */
  probs: Float64Array;
  /** The raw logits, kept so the probability bars can be re-shaped without a rerun. */
  logits: Float32Array;
}

export async function* generate(src: LogitsSource, prompt: Uint32Array, opts: GenerateOptions): AsyncGenerator<GeneratedToken> {
  if (prompt.length === 0) throw new RangeError('generation needs at least one prompt token');
  const rng = new Rng(opts.seed);
  let context = Array.from(prompt.subarray(Math.max(0, prompt.length - src.blockSize)));
  let logits = await src.prefill(Uint32Array.from(context));
  for (let i = 0; i < opts.maxTokens; i++) {
    const probs = nextTokenDistribution(logits, opts);
    const token = opts.greedy ? argmax(probs) : drawToken(probs, rng);
    yield { token, probs, logits };
    if (i + 1 === opts.maxTokens) break;
    context.push(token);
    const appended = context.length <= src.blockSize ? await src.next(token) : null;
    if (appended) {
      logits = appended;
    } else {
      context = context.slice(context.length - src.blockSize);
      logits = await src.prefill(Uint32Array.from(context));
    }
  }
}

/** A source that re-runs the whole context for every token, from a (T, V) logits function. */
export class RerunSource implements LogitsSource {
  private context: number[] = [];

  constructor(
    readonly blockSize: number,
    private readonly vocabSize: number,
    private readonly logitsOf: (context: Uint32Array) => Promise<Float32Array>,
  ) {}

  async prefill(context: Uint32Array): Promise<Float32Array> {
    this.context = Array.from(context);
    const all = await this.logitsOf(context);
    return all.slice((context.length - 1) * this.vocabSize, context.length * this.vocabSize);
  }

  async next(token: number): Promise<Float32Array | null> {
    if (this.context.length >= this.blockSize) return null;
    this.context.push(token);
    return this.prefill(Uint32Array.from(this.context));
  }
}
