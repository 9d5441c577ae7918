// KV-cached generation on the GPU: the prompt runs once through the full-sequence plan,
// whose per-layer qkv tensors (1, blockSize, 3C) then serve as the KV cache; each new token
// runs ONE position through the blocks, appending its q|k|v row to the cache and attending
// over rows 0..t. Causal models only: without the mask every earlier position would change.
import type { Gpu } from '../gpu/device';
import type { Dispatch } from '../gpu/dispatch';
import { recordPass } from '../gpu/dispatch';
import { ProfileRecorder, type ProfileOptions, type ProfileReport } from '../gpu/profiler';
import { BufferArena, arenaLimitsOf } from '../gpu/arena';
import { ReadbackRing } from '../gpu/readback';
import type { Tensor } from '../gpu/tensor';
import { attentionDecode } from '../kernels/attention-decode';
import type { KernelConfig } from '../kernels/config';
import { encoderDecode } from '../kernels/encoder';
import { layernormForward } from '../kernels/layernorm';
import { matmulForward } from '../kernels/matmul';
import { decodeRowSpecs, type LayerAct } from '../../core/activations';
import { DECODER_READBACK_SLOTS } from '../../core/allocations';
import { blockForward, blockOutput } from '../model/block';
import { GptPlan } from '../model/gpt';
import type { HalfWeights } from '../model/half-weights';
import type { ModelWeights } from '../model/weights';
import type { LogitsSource } from './generate';

interface LayerSteps {
  beforeAttention: Dispatch[];
  fromAttention: Dispatch[];
  qkvRow: Tensor;
  cache: Tensor;
}

export class Decoder implements LogitsSource {
  /** Tokens in the cache; the next token goes to this position. */
  length = 0;
  private rows!: BufferArena;
  private layers: LayerSteps[] = [];
  private head: Dispatch[] = [];
  private embed!: Dispatch;
  private position!: Tensor;
  private logits!: Tensor;
  /** Staging for one row of logits: each token's dispatches and readback are one submission. */
  private ring: ReadbackRing;

  private constructor(
    /** The decoder's own scope of the device: its plan, rows, readback and uniforms. */
    readonly gpu: Gpu,
    readonly kernelConfig: KernelConfig,
    readonly weights: ModelWeights,
    private readonly plan: GptPlan,
    private readonly half: HalfWeights | undefined,
  ) {
    this.ring = new ReadbackRing(gpu, weights.config.vocabSize * 4, DECODER_READBACK_SLOTS);
  }

  /**
   * With `opts.half` the linear layers read that f16 copy of the weights, packed afresh by
   * every prefill (the caller owns and destroys it).
   */
  static async build(gpu: Gpu, kernelConfig: KernelConfig, weights: ModelWeights, opts: { half?: HalfWeights } = {}): Promise<Decoder> {
    const c = weights.config;
    if (!c.causal) throw new Error('KV-cached decoding needs a causal model');
    const own = gpu.scope('decoder');
    try {
      const plan = await GptPlan.build(own, kernelConfig, weights, { B: 1, T: c.blockSize, training: false, half: opts.half });
      const d = new Decoder(own, kernelConfig, weights, plan, opts.half);
      await d.prepare();
      return d;
    } catch (e) {
      own.buffers.destroyAll();
      throw e;
    }
  }

  get blockSize(): number {
    return this.weights.config.blockSize;
  }

  private async prepare(): Promise<void> {
    const c = this.weights.config;
    const gpu = this.gpu;
    const kc = this.kernelConfig;
    // One row (1, ·) per activation, shared by every layer: they run one after another.
    this.rows = new BufferArena('decode rows', arenaLimitsOf(gpu.device));
    const row = new Map<string, Tensor>();
    for (const s of decodeRowSpecs(c)) row.set(s.name, this.rows.add(s.name, s.shape, s.dtype));
    const encoded = row.get('encoded')!;
    const lnf = row.get('lnf')!;
    const lnfStats = [row.get('lnfMean')!, row.get('lnfRstd')!];
    this.logits = row.get('logits')!;
    this.position = row.get('position')!;
    this.rows.allocate(gpu);

    const p = (n: string) => this.weights.get('params', n);
    const tokens = this.plan.act('tokens');
    // Every call is requested at once, so that their pipelines compile side by side.
    const embed = encoderDecode(gpu, encoded, { ...tokens, shape: [c.blockSize] }, p('transformer.wte.weight'),
      c.positions === 'learned' ? p('transformer.wpe.weight') : null, this.position, { positions: c.positions });
    const layers: Promise<LayerSteps>[] = [];
    let x = encoded;
    const a = (n: LayerAct) => row.get(n)!;
    for (let l = 0; l < c.nLayer; l++) {
      const cache = this.plan.act(`h${l}.qkv`); // (1, blockSize, 3C)
      const block = blockForward(gpu, kc, this.weights, l, x, a, async (atty) => [
        await attentionDecode(gpu, kc, atty, cache, this.position, { nHead: c.nHead }),
      ], this.half);
      layers.push(block.then((b) => ({ beforeAttention: b.beforeAttention, fromAttention: b.fromAttention, qkvRow: a('qkv'), cache })));
      x = blockOutput(c, a);
    }
    const head: Promise<Dispatch>[] = [];
    if (c.norm === 'pre') {
      head.push(layernormForward(gpu, kc, lnf, lnfStats[0], lnfStats[1], x, p('transformer.ln_f.weight'), p('transformer.ln_f.bias')));
    }
    head.push(matmulForward(gpu, kc, this.logits, c.norm === 'pre' ? lnf : x, p('transformer.wte.weight'), null,
      this.half ? { halfWeight: this.half.view('transformer.wte.weight') } : {}));
    const [embedCall, layerCalls, headCalls] = await Promise.all([embed, Promise.all(layers), Promise.all(head)]);
    this.embed = embedCall;
    this.layers.push(...layerCalls);
    this.head.push(...headCalls);
  }

  /** Runs the prompt through the full plan (filling the cache); returns its last logits (V). */
  async prefill(prompt: Uint32Array): Promise<Float32Array> {
    const T = this.blockSize;
    if (prompt.length < 1 || prompt.length > T) throw new RangeError(`a prompt of 1..${T} tokens is needed, got ${prompt.length}`);
    // Positions after the prompt hold token 0: the causal mask keeps them out of every row
    // the prompt needs, and decoding overwrites them one by one.
    const padded = new Uint32Array(T);
    padded.set(prompt);
    this.plan.writeBatch(padded, null);
    const enc = this.gpu.device.createCommandEncoder({ label: 'prefill' });
    recordPass(enc, this.half ? [this.half.pack, ...this.plan.forwardLogits] : this.plan.forwardLogits);
    const logits = this.plan.act('logits');
    const ticket = this.ring.copy(enc, logits.buffer, logits.offset + (prompt.length - 1) * this.ring.slotBytes, this.ring.slotBytes);
    this.gpu.device.queue.submit([enc.finish()]);
    this.length = prompt.length;
    return new Float32Array(await ticket.read());
  }

  /** Appends one token at position `length`; the logits (V) that follow it, or null when full. */
  async next(token: number, profiler?: ProfileRecorder): Promise<Float32Array | null> {
    const t = this.length;
    if (t >= this.blockSize) return null; // the caller crops the context and prefills again
    const q = this.gpu.device.queue;
    const tokens = this.plan.act('tokens');
    q.writeBuffer(tokens.buffer, tokens.offset + 4 * t, Uint32Array.of(token));
    q.writeBuffer(this.position.buffer, this.position.offset, Uint32Array.of(t));
    const enc = this.gpu.device.createCommandEncoder({ label: `decode ${t}` });
    const record = (list: Dispatch[]) => (profiler ? profiler.record(enc, list) : recordPass(enc, list));
    record([this.embed]);
    const rowBytes = this.layers.length ? this.layers[0].qkvRow.shape[1] * 4 : 0;
    for (const layer of this.layers) {
      record(layer.beforeAttention);
      enc.copyBufferToBuffer(layer.qkvRow.buffer, layer.qkvRow.offset, layer.cache.buffer, layer.cache.offset + t * rowBytes, rowBytes);
      record(layer.fromAttention);
    }
    record(this.head);
    const ticket = this.ring.copy(enc, this.logits.buffer, this.logits.offset, this.ring.slotBytes);
    profiler?.finish(enc);
    q.submit([enc.finish()]);
    this.length = t + 1;
    return new Float32Array(await ticket.read());
  }

  /**
   * Decodes `token` for real (it joins the cache, as next() would) with each dispatch in its
   * own timed pass. Prefill first; a full cache gives an empty report.
   */
  async profileNext(token: number, opts: ProfileOptions = {}): Promise<ProfileReport> {
    const rec = new ProfileRecorder(this.gpu, { label: `decode ${this.length}`, ...opts });
    if ((await this.next(token, rec)) === null) rec.finish(this.gpu.device.createCommandEncoder());
    return rec.report();
  }

  destroy(): void {
    this.gpu.buffers.destroyAll(); // the plan, the rows, the readback and the steps' uniforms
  }
}
