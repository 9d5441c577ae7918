// The GPT on the GPU for one batch shape (B, T): activations allocated once, every kernel
// call prepared once as a Dispatch. forward() reads like the architecture; backward() is the
// same calls in reverse. Recording a step replays the lists into a compute pass.
import type { Gpu } from '../gpu/device';
import type { Dispatch } from '../gpu/dispatch';
import { BufferArena, arenaLimitsOf } from '../gpu/arena';
import type { Tensor } from '../gpu/tensor';
import type { KernelConfig } from '../kernels/config';
import { attentionBackward, attentionForward, attentionProbs } from '../kernels/attention';
import { crossentropyBackward, crossentropyForward, crossentropyMean } from '../kernels/crossentropy';
import { encoderBackward, encoderForward } from '../kernels/encoder';
import { layernormBackward, layernormForward } from '../kernels/layernorm';
import { matmulBackward, matmulForward } from '../kernels/matmul';
import { buildTokenBuckets } from '../kernels/buckets';
import { interveneDelta, interveneHeads, type InterveneSite } from '../kernels/intervene';
import { activationSpecs } from '../../core/activations';
import { checkInterventions, MODE_PATCH, SITE_HEADS, SITES, type Interventions } from '../../core/inspect';
import { blockForward, blockOutput, type BlockInterventions } from './block';
import type { HalfWeights } from './half-weights';
import type { ModelWeights } from './weights';

export interface PlanOptions {
  B: number;
  T: number;
  /** Build the backward too (training); otherwise forward only (evaluation, inference). */
  training: boolean;
  /** Micro-batches summed per optimizer step: the loss gradient is scaled by 1/(B·T·k). */
  gradAccumSteps?: number;
  /** Also write every layer's attention probabilities (B, NH, T, T), for visualisation. */
  probs?: boolean;
  /** Forward only: the linear layers read these f16 weights (pack them before each run). */
  half?: HalfWeights;
  /**
   * Forward only: heads' outputs and sublayers' contributions can be replaced (core/inspect.ts)
   * as writeInterventions says; none are until it is called.
   */
  interventions?: boolean;
}

export class GptPlan {
  readonly forward: Dispatch[] = [];
  readonly backward: Dispatch[] = [];
  /** The forward up to the logits, without the loss (inference has no targets). */
  readonly forwardLogits: Dispatch[] = [];
  private readonly acts: BufferArena;
  private readonly t = new Map<string, Tensor>();
  /**
   * The plan's own scope of the device: its activations and every uniform and scratch its
   * kernels allocate are charged here, and destroy() frees them all.
   */
  readonly gpu: Gpu;

  private constructor(
    gpu: Gpu,
    /** The device's kernel choices this plan was built with. */
    readonly kernelConfig: KernelConfig,
    readonly weights: ModelWeights,
    readonly opts: PlanOptions,
  ) {
    const c = weights.config;
    this.gpu = gpu.scope(`plan B${opts.B} T${opts.T}`);
    this.acts = new BufferArena(`activations B${opts.B} T${opts.T}`, arenaLimitsOf(gpu.device));
    for (const s of activationSpecs(c, opts.B, opts.T, opts.training, opts.probs, opts.interventions)) this.t.set(s.name, this.acts.add(s.name, s.shape, s.dtype));
    this.acts.allocate(this.gpu);
  }

  static async build(gpu: Gpu, kernelConfig: KernelConfig, weights: ModelWeights, opts: PlanOptions): Promise<GptPlan> {
    if (opts.T > weights.config.blockSize) throw new RangeError(`T=${opts.T} exceeds the block size ${weights.config.blockSize}`);
    if (opts.training && opts.half) throw new Error('f16 weights are for inference: training keeps f32 weights');
    if (opts.training && opts.interventions) throw new Error('interventions are for a forward only: the backward does not follow them');
    const plan = new GptPlan(gpu, kernelConfig, weights, opts);
    try {
      const { logits, loss } = await plan.buildForward();
      plan.forwardLogits.push(...logits);
      plan.forward.push(...logits, ...loss);
      if (opts.training) plan.backward.push(...(await plan.buildBackward()));
      return plan;
    } catch (e) {
      plan.destroy();
      throw e;
    }
  }

  /** An activation by name, e.g. 'logits', 'meanLoss', 'h0.qkv'. */
  act(name: string): Tensor {
    const t = this.t.get(name);
    if (!t) throw new Error(`no activation ${name}`);
    return t;
  }

  get activationBytes(): number {
    return this.acts.bytes;
  }

  private p = (name: string) => this.weights.get('params', name);
  private g = (name: string) => this.weights.get('grads', name);

  /** Writes a batch: token ids and targets (B·T each); builds the encoder's token buckets. */
  writeBatch(inputs: Uint32Array, targets: Uint32Array | null): void {
    const q = this.gpu.device.queue;
    const write = (t: Tensor, data: Uint32Array) => q.writeBuffer(t.buffer, t.offset, data.buffer, data.byteOffset, data.byteLength);
    write(this.act('tokens'), inputs);
    if (targets) write(this.act('targets'), targets);
    if (this.opts.training) {
      const b = buildTokenBuckets(inputs, this.weights.config.vocabSize);
      write(this.act('bucketOffsets'), b.offsets);
      write(this.act('bucketPositions'), b.positions);
    }
  }

  /**
   * The interventions of the next forwards (a plan built with `interventions`): all-KEEP modes
   * are the plain forward. Patched sites need sources of this plan's T positions.
   */
  writeInterventions(iv: Interventions): void {
    if (!this.opts.interventions) throw new Error('this plan was built without interventions');
    checkInterventions(this.weights.config, iv, this.opts.T);
    const q = this.gpu.device.queue;
    const write = (t: Tensor, data: Uint32Array | Float32Array) => q.writeBuffer(t.buffer, t.offset, data.buffer, data.byteOffset, data.byteLength);
    write(this.act('ivModes'), iv.modes);
    write(this.act('ivValues'), iv.values);
    // Sources are read only where a group is patched: stale ones elsewhere are never seen.
    if (iv.modes.includes(MODE_PATCH)) write(this.act('ivSources'), iv.sources);
  }

  /** Layer l's interventions: in-place dispatches reading this plan's tables at the layer's sites. */
  private blockInterventions(l: number): BlockInterventions {
    const c = this.weights.config;
    const { T } = this.opts;
    const [modes, values, sources] = [this.act('ivModes'), this.act('ivValues'), this.act('ivSources')];
    const at = (site: number): InterveneSite => ({
      T, modesOffset: (l * SITES + site) * c.nHead, valuesOffset: (l * SITES + site) * c.nEmbd, sourcesOffset: (l * SITES + site) * T * c.nEmbd,
    });
    return {
      heads: (atty) => interveneHeads(this.gpu, atty, modes, values, sources, c.nHead, at(SITE_HEADS)),
      delta: (site, y, base) => interveneDelta(this.gpu, y, base, modes, values, sources, at(site)),
    };
  }

  private async buildForward(): Promise<{ logits: Dispatch[]; loss: Dispatch[] }> {
    const c = this.weights.config;
    const gpu = this.gpu;
    const kc = this.kernelConfig;
    const a = (n: string) => this.act(n);
    const attn = { nHead: c.nHead, causal: c.causal, ...this.attentionScratch() };
    // Every call is requested at once, so that their pipelines compile side by side; the
    // lists keep the order of the calls.
    const d: Promise<Dispatch | Dispatch[]>[] = [];
    d.push(encoderForward(gpu, a('encoded'), a('tokens'), this.p('transformer.wte.weight'),
      c.positions === 'learned' ? this.p('transformer.wpe.weight') : null, { positions: c.positions })); // (B,T,C)
    let x = a('encoded');
    for (let l = 0; l < c.nLayer; l++) {
      const la = (n: string) => a(`h${l}.${n}`);
      const block = blockForward(gpu, kc, this.weights, l, x, la, (atty, qkv) => {
        const calls = [attentionForward(gpu, kc, atty, la('lse'), qkv, attn)]; // (B,T,C), lse (B,NH,T)
        if (this.opts.probs) calls.push(attentionProbs(gpu, la('probs'), qkv, la('lse'), attn).then((p) => [p])); // (B,NH,T,T)
        return Promise.all(calls).then((c) => c.flat());
      }, this.opts.half, this.opts.interventions ? this.blockInterventions(l) : undefined);
      d.push(block.then((b) => [...b.beforeAttention, ...b.fromAttention]));
      x = blockOutput(c, la);
    }
    const pre = c.norm === 'pre';
    const final = pre ? a('lnf') : x;
    if (pre) d.push(layernormForward(gpu, kc, a('lnf'), a('lnfMean'), a('lnfRstd'), x, this.p('transformer.ln_f.weight'), this.p('transformer.ln_f.bias')));
    d.push(matmulForward(gpu, kc, a('logits'), final, this.p('transformer.wte.weight'), null,
      this.opts.half ? { halfWeight: this.opts.half.view('transformer.wte.weight') } : {})); // (B,T,V), tied head
    const loss = Promise.all([
      crossentropyForward(gpu, kc, a('losses'), a('logits'), a('targets')), // (B,T)
      crossentropyMean(gpu, kc, a('meanLoss'), a('losses')), // (1)
    ]);
    const [logits, lossCalls] = await Promise.all([Promise.all(d), loss]);
    return { logits: logits.flat(), loss: lossCalls };
  }

  /** The final residual-stream tensor (input of ln_f, or of the LM head for post-LN). */
  private lastResidual(): Tensor {
    const c = this.weights.config;
    if (c.nLayer === 0) return this.act('encoded');
    return this.act(`h${c.nLayer - 1}.${c.norm === 'pre' ? 'residual3' : 'ln2'}`);
  }

  private async buildBackward(): Promise<Dispatch[]> {
    const c = this.weights.config;
    const gpu = this.gpu;
    const kc = this.kernelConfig;
    const a = (n: string) => this.act(n);
    const pre = c.norm === 'pre';
    const attn = { nHead: c.nHead, causal: c.causal, ...this.attentionScratch() };
    const k = this.opts.gradAccumSteps ?? 1;
    const { B, T } = this.opts;
    // Every LayerNorm backward writes its partial sums to the one scratch of the table.
    const partials = a('lnPartials');
    const lnScratch = { partials };
    const d: Promise<Dispatch | Dispatch[]>[] = [];
    d.push(crossentropyBackward(gpu, kc, a('dlogits'), a('logits'), a('targets'), 1 / (B * T * k)));
    const final = pre ? a('lnf') : this.lastResidual();
    // With post-LN the LM head's input is the residual stream itself: its gradient starts dres.
    const dfinal = pre ? a('dfinal') : a('dres');
    d.push(matmulBackward(gpu, kc, dfinal, this.g('transformer.wte.weight'), null, a('dlogits'), final, this.p('transformer.wte.weight')));
    if (pre) {
      d.push(layernormBackward(gpu, kc, a('dres'), this.g('transformer.ln_f.weight'), this.g('transformer.ln_f.bias'), a('dfinal'),
        this.lastResidual(), this.p('transformer.ln_f.weight'), a('lnfMean'), a('lnfRstd'), lnScratch));
    }
    const acc = { accumulateDinp: true };
    const lnAcc = { ...acc, ...lnScratch };
    // d fch = (d fchAct from the c_proj backward) · act′(fch): the activation's backward fused in.
    const actBack = (pre: Tensor) => ({ activationBackward: { act: c.activation, pre } });
    for (let l = c.nLayer - 1; l >= 0; l--) {
      const h = (n: string) => this.p(`transformer.h.${l}.${n}`);
      const gh = (n: string) => this.g(`transformer.h.${l}.${n}`);
      const la = (n: string) => a(`h${l}.${n}`);
      const input = l === 0 ? a('encoded') : a(`h${l - 1}.${pre ? 'residual3' : 'ln2'}`);
      if (pre) {
        // dres = d residual3 = d residual2 (through the skip) + the MLP branch below
        d.push(matmulBackward(gpu, kc, a('dfch'), gh('mlp.c_proj.weight'), gh('mlp.c_proj.bias'), a('dres'), la('fchAct'), h('mlp.c_proj.weight'), actBack(la('fch'))));
        d.push(matmulBackward(gpu, kc, a('dln'), gh('mlp.c_fc.weight'), gh('mlp.c_fc.bias'), a('dfch'), la('ln2'), h('mlp.c_fc.weight')));
        d.push(layernormBackward(gpu, kc, a('dres'), gh('ln_2.weight'), gh('ln_2.bias'), a('dln'), la('residual2'), h('ln_2.weight'), la('ln2Mean'), la('ln2Rstd'), lnAcc));
        d.push(matmulBackward(gpu, kc, a('datty'), gh('attn.c_proj.weight'), gh('attn.c_proj.bias'), a('dres'), la('atty'), h('attn.c_proj.weight')));
        d.push(attentionBackward(gpu, kc, a('dqkv'), a('datty'), la('qkv'), la('atty'), la('lse'), a('attD'), attn));
        d.push(matmulBackward(gpu, kc, a('dln'), gh('attn.c_attn.weight'), gh('attn.c_attn.bias'), a('dqkv'), la('ln1'), h('attn.c_attn.weight')));
        d.push(layernormBackward(gpu, kc, a('dres'), gh('ln_1.weight'), gh('ln_1.bias'), a('dln'), input, h('ln_1.weight'), la('ln1Mean'), la('ln1Rstd'), lnAcc));
      } else {
        // dres = d ln2 (the block's output); ln2 = LN(ln1 + mlp(ln1)), ln1 = LN(input + attn(input))
        d.push(layernormBackward(gpu, kc, a('dln'), gh('ln_2.weight'), gh('ln_2.bias'), a('dres'), la('residual3'), h('ln_2.weight'), la('ln2Mean'), la('ln2Rstd'), lnScratch));
        d.push(matmulBackward(gpu, kc, a('dfch'), gh('mlp.c_proj.weight'), gh('mlp.c_proj.bias'), a('dln'), la('fchAct'), h('mlp.c_proj.weight'), actBack(la('fch'))));
        d.push(matmulBackward(gpu, kc, a('dln'), gh('mlp.c_fc.weight'), gh('mlp.c_fc.bias'), a('dfch'), la('ln1'), h('mlp.c_fc.weight'), acc));
        d.push(layernormBackward(gpu, kc, a('dres'), gh('ln_1.weight'), gh('ln_1.bias'), a('dln'), la('residual2'), h('ln_1.weight'), la('ln1Mean'), la('ln1Rstd'), lnScratch));
        d.push(matmulBackward(gpu, kc, a('datty'), gh('attn.c_proj.weight'), gh('attn.c_proj.bias'), a('dres'), la('atty'), h('attn.c_proj.weight')));
        d.push(attentionBackward(gpu, kc, a('dqkv'), a('datty'), la('qkv'), la('atty'), la('lse'), a('attD'), attn));
        d.push(matmulBackward(gpu, kc, a('dres'), gh('attn.c_attn.weight'), gh('attn.c_attn.bias'), a('dqkv'), input, h('attn.c_attn.weight'), acc));
      }
    }
    d.push(encoderBackward(gpu, this.g('transformer.wte.weight'), c.positions === 'learned' ? this.g('transformer.wpe.weight') : null,
      a('dres'), a('bucketOffsets'), a('bucketPositions'), { positions: c.positions }));
    return (await Promise.all(d)).flat();
  }

  /** The scores scratch of core/activations' attentionProductsFit, when this plan has one. */
  private attentionScratch(): { scratch?: { p: Tensor; dp?: Tensor } } {
    if (!this.t.has('attP')) return {};
    return { scratch: { p: this.act('attP'), ...(this.t.has('attDP') ? { dp: this.act('attDP') } : {}) } };
  }

  destroy(): void {
    this.gpu.buffers.destroyAll();
  }
}
