// Full-sequence forward passes for one sequence (B = 1) at its exact length: the logits of
// every position, and every layer's attention probabilities for the heatmaps. Plans are built
// per length and the most recent few kept, since a prompt's length changes as it is typed.
import type { Gpu } from '../gpu/device';
import { recordPass } from '../gpu/dispatch';
import type { Tensor } from '../gpu/tensor';
import { ReadbackRing, readBuffer } from '../gpu/readback';
import type { KernelConfig } from '../kernels/config';
import { GptPlan } from '../model/gpt';
import type { HalfWeights } from '../model/half-weights';
import type { ModelWeights } from '../model/weights';

const KEEP_PLANS = 3;

export async function readTensor(gpu: Gpu, t: Tensor, elems = t.shape.reduce((a, b) => a * b, 1)): Promise<Float32Array> {
  return new Float32Array(await readBuffer(gpu.device, t.buffer, t.offset, elems * 4));
}

interface KeptPlan {
  plan: GptPlan;
  /** Staging buffers for the logits, so a forward and its readback are one submission. */
  ring: ReadbackRing;
}

export class Inference {
  private plans = new Map<string, KeptPlan>();

  /**
   * With `opts.half` the linear layers read that f16 copy of the weights, packed afresh at
   * the start of every forward (the caller owns and destroys it).
   */
  constructor(
    readonly gpu: Gpu,
    readonly kernelConfig: KernelConfig,
    readonly weights: ModelWeights,
    readonly opts: { half?: HalfWeights } = {},
  ) {}

  /** The dispatches of one forward: the f16 packing first when weights are f16. */
  private forwardOf(plan: GptPlan) {
    return this.opts.half ? [this.opts.half.pack, ...plan.forwardLogits] : plan.forwardLogits;
  }

  private async plan(T: number, probs: boolean): Promise<KeptPlan> {
    const key = `${T}:${probs}`;
    let p = this.plans.get(key);
    if (p) {
      this.plans.delete(key); // re-insert: most recently used last
    } else {
      const plan = await GptPlan.build(this.gpu, this.kernelConfig, this.weights, { B: 1, T, training: false, probs, half: this.opts.half });
      p = { plan, ring: new ReadbackRing(this.gpu.device, T * this.weights.config.vocabSize * 4, 1) };
      if (this.plans.size >= KEEP_PLANS) {
        const [oldest, kept] = this.plans.entries().next().value as [string, KeptPlan];
        kept.plan.destroy();
        kept.ring.destroy();
        this.plans.delete(oldest);
      }
    }
    this.plans.set(key, p);
    return p;
  }

  private checkLength(tokens: Uint32Array): void {
    const bs = this.weights.config.blockSize;
    if (tokens.length < 1) throw new RangeError('the sequence is empty');
    if (tokens.length > bs) throw new RangeError(`the sequence has ${tokens.length} tokens; the model sees at most ${bs}`);
  }

  /** Logits (T, V) of every position of `tokens`. */
  async logits(tokens: Uint32Array): Promise<Float32Array> {
    this.checkLength(tokens);
    const { plan, ring } = await this.plan(tokens.length, false);
    plan.writeBatch(tokens, null);
    const enc = this.gpu.device.createCommandEncoder();
    recordPass(enc, this.forwardOf(plan));
    const logits = plan.act('logits');
    const ticket = ring.copy(enc, logits.buffer, logits.offset, ring.slotBytes);
    this.gpu.device.queue.submit([enc.finish()]);
    return new Float32Array(await ticket.read());
  }

  /** Every layer's attention probabilities, each (NH, T, T), row = query, column = key. */
  async attention(tokens: Uint32Array): Promise<Float32Array[]> {
    this.checkLength(tokens);
    const { plan } = await this.plan(tokens.length, true);
    plan.writeBatch(tokens, null);
    const enc = this.gpu.device.createCommandEncoder();
    recordPass(enc, this.forwardOf(plan));
    this.gpu.device.queue.submit([enc.finish()]);
    const out: Float32Array[] = [];
    for (let l = 0; l < this.weights.config.nLayer; l++) out.push(await readTensor(this.gpu, plan.act(`h${l}.probs`)));
    return out;
  }

  destroy(): void {
    for (const p of this.plans.values()) {
      p.plan.destroy();
      p.ring.destroy();
    }
    this.plans.clear();
  }
}
