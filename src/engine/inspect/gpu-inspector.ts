// The Inspect forward on the GPU: a forward-only plan with interventions per batch shape (the
// most recent few kept), the batch and the interventions written, one submission, then the
// logits, losses and asked-for captures read back. Sites that are differences (a sublayer's
// contribution) are computed here in float32 from the tensors the forward wrote.
import type { GPTConfig } from '../../core/config';
import { INSPECTOR_KEPT_PLANS } from '../../core/allocations';
import { noInterventions, SITE_ATTN, SITE_HEADS, SITE_MLP, SITES } from '../../core/inspect';
import type { Gpu } from '../gpu/device';
import { recordPass } from '../gpu/dispatch';
import type { Tensor } from '../gpu/tensor';
import type { KernelConfig } from '../kernels/config';
import { blockOutput } from '../model/block';
import { GptPlan } from '../model/gpt';
import type { ModelWeights } from '../model/weights';
import { readTensor } from '../sample/inference';
import type { InspectEngine, InspectOptions, InspectRun } from './engine';

interface KeptPlan {
  /** The plan's scope below the inspector's: freed when the plan is dropped. */
  scope: Gpu;
  plan: GptPlan;
}

export class GpuInspector implements InspectEngine {
  readonly config: GPTConfig;
  /** The inspector's own scope of the device: every kept plan is a scope below it. */
  readonly gpu: Gpu;
  private plans = new Map<string, KeptPlan>();
  /** Runs one after another: each writes its plan's inputs and reads its outputs. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    gpu: Gpu,
    readonly kernelConfig: KernelConfig,
    readonly weights: ModelWeights,
  ) {
    this.gpu = gpu.scope('inspector');
    this.config = weights.config;
  }

  run(tokens: Uint32Array, B: number, T: number, opts: InspectOptions = {}): Promise<InspectRun> {
    const next = this.queue.then(() => this.runNow(tokens, B, T, opts));
    this.queue = next.catch(() => undefined);
    return next;
  }

  params(): Promise<Float32Array> {
    return this.weights.read('params');
  }

  destroy(): void {
    this.gpu.buffers.destroyAll(); // every kept plan
    this.plans.clear();
  }

  private async plan(B: number, T: number, probs: boolean): Promise<GptPlan> {
    const key = `${B}x${T}:${probs}`;
    let p = this.plans.get(key);
    if (p) {
      this.plans.delete(key); // re-insert: most recently used last
    } else {
      // The oldest goes before the new one is built: at most INSPECTOR_KEPT_PLANS are held.
      this.keepAtMost(INSPECTOR_KEPT_PLANS - 1);
      const scope = this.gpu.scope(`B${B} T${T}`);
      try {
        p = { scope, plan: await GptPlan.build(scope, this.kernelConfig, this.weights, { B, T, training: false, probs, interventions: true }) };
      } catch (e) {
        scope.buffers.destroyAll();
        throw e;
      }
    }
    this.plans.set(key, p);
    return p.plan;
  }

  /** Drops the least recently used plans until at most n are kept. */
  private keepAtMost(n: number): void {
    while (this.plans.size > n) {
      const [oldest, kept] = this.plans.entries().next().value as [string, KeptPlan];
      kept.scope.buffers.destroyAll();
      this.plans.delete(oldest);
    }
  }

  private async runNow(tokens: Uint32Array, B: number, T: number, opts: InspectOptions): Promise<InspectRun> {
    const c = this.config;
    if (!Number.isInteger(B) || !Number.isInteger(T) || B < 1 || T < 1) throw new RangeError(`inspect: B ${B} and T ${T} must be positive integers`);
    if (T > c.blockSize) throw new RangeError(`inspect: ${T} positions; the model sees at most ${c.blockSize}`);
    if (tokens.length !== B * T) throw new RangeError(`inspect: ${tokens.length} tokens for B ${B} × T ${T}`);
    const { targets } = opts;
    if (targets && targets.length !== B * T) throw new RangeError(`inspect: ${targets.length} targets for B ${B} × T ${T}`);
    const capture = opts.capture ?? {};
    const plan = await this.plan(B, T, capture.probs ?? false);
    plan.writeBatch(tokens, targets ?? new Uint32Array(B * T));
    plan.writeInterventions(opts.interventions ?? noInterventions(c));
    const device = this.gpu.device;
    const enc = device.createCommandEncoder({ label: 'inspect' });
    recordPass(enc, targets ? plan.forward : plan.forwardLogits, 'inspect');
    device.pushErrorScope('validation');
    device.queue.submit([enc.finish()]);
    const error = await device.popErrorScope();
    if (error) throw new Error(`inspect forward: ${error.message}`);

    const read = (t: Tensor) => readTensor(this.gpu, t);
    const L = c.nLayer;
    const layers = Array.from({ length: L }, (_, l) => l);
    const la = (l: number) => (n: string) => plan.act(`h${l}.${n}`);
    // The residual stream entering block 0 and leaving each block.
    const stream = [plan.act('encoded'), ...layers.map((l) => blockOutput(c, la(l)))];
    // Per layer: the heads' outputs, the stream after attention, after the MLP, and the MLP's base.
    const siteTensors = (l: number) => ['atty', 'residual2', 'residual3', c.norm === 'pre' ? 'residual2' : 'ln1'].map(la(l));
    const [logits, losses, streamValues, layerSites, mlp, probs] = await Promise.all([
      read(plan.act('logits')),
      targets ? read(plan.act('losses')) : null,
      capture.sites || capture.residuals ? Promise.all(stream.map(read)) : null,
      capture.sites ? Promise.all(layers.map((l) => Promise.all(siteTensors(l).map(read)))) : null,
      capture.mlp ? Promise.all(layers.map((l) => read(la(l)('fchAct')))) : null,
      capture.probs ? Promise.all(layers.map((l) => read(la(l)('probs')))) : null,
    ]);
    const out: InspectRun = { logits, losses };
    if (capture.residuals && streamValues) out.residuals = streamValues;
    if (mlp) out.mlp = mlp;
    if (probs) out.probs = probs;
    if (layerSites && streamValues) {
      const n = B * T * c.nEmbd;
      const sites = new Float32Array(L * SITES * n);
      layerSites.forEach(([atty, residual2, residual3, mlpBase], l) => {
        const input = streamValues[l];
        sites.set(atty, (l * SITES + SITE_HEADS) * n);
        const attn = sites.subarray((l * SITES + SITE_ATTN) * n, (l * SITES + SITE_ATTN + 1) * n);
        const mlpSite = sites.subarray((l * SITES + SITE_MLP) * n, (l * SITES + SITE_MLP + 1) * n);
        for (let i = 0; i < n; i++) {
          attn[i] = Math.fround(residual2[i] - input[i]);
          mlpSite[i] = Math.fround(residual3[i] - mlpBase[i]);
        }
      });
      out.sites = sites;
    }
    return out;
  }
}
