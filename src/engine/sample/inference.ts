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
import { INFERENCE_KEPT_PLANS } from '../../core/allocations';

export async function readTensor(gpu: Gpu, t: Tensor, elems = t.shape.reduce((a, b) => a * b, 1)): Promise<Float32Array> {
  return new Float32Array(await readBuffer(gpu, t.buffer, t.offset, elems * 4));
}

interface KeptPlan {
  /** The plan's scope: the plan and its ring, freed together when the plan is dropped. */
  scope: Gpu;
  plan: GptPlan;
  /** Staging buffers for the logits, so a forward and its readback are one submission. */
  ring: ReadbackRing;
}

export class Inference {
  private plans = new Map<string, KeptPlan>();
  /** The inference's own scope of the device: every kept plan is a scope below it. */
  readonly gpu: Gpu;

  /**
   * With `opts.half` the linear layers read that f16 copy of the weights, packed afresh at
   * the start of every forward (the caller owns and destroys it).
   */
  constructor(
    gpu: Gpu,
    readonly kernelConfig: KernelConfig,
    readonly weights: ModelWeights,
    readonly opts: { half?: HalfWeights } = {},
  ) {
    this.gpu = gpu.scope('inference');
  }

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
      // The oldest goes before the new one is built, so that at most INFERENCE_KEPT_PLANS
      // are ever held (the memory estimate counts that many).
      this.keepAtMost(INFERENCE_KEPT_PLANS - 1);
      const scope = this.gpu.scope(`length ${T}`);
      try {
        const plan = await GptPlan.build(scope, this.kernelConfig, this.weights, { B: 1, T, training: false, probs, half: this.opts.half });
        p = { scope, plan, ring: new ReadbackRing(scope, T * this.weights.config.vocabSize * 4, 1) };
      } catch (e) {
        scope.buffers.destroyAll();
        throw e;
      }
      this.keepAtMost(INFERENCE_KEPT_PLANS - 1); // a concurrent call may have added one meanwhile
    }
    this.plans.set(key, p);
    return p;
  }

  /** Drops the least recently used plans until at most n are kept. */
  private keepAtMost(n: number): void {
    while (this.plans.size > n) {
      const [oldest, kept] = this.plans.entries().next().value as [string, KeptPlan];
      kept.scope.buffers.destroyAll();
      this.plans.delete(oldest);
    }
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
    this.gpu.buffers.destroyAll(); // every kept plan with its ring
    this.plans.clear();
  }
}
