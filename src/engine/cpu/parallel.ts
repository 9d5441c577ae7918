// The float32 CPU engine as the trainer drives it: each batch's sequences split across threads
// (./shares.ts). This thread runs the first share on its own model while helper workers run
// the others, each with a copy of the parameters sent along with the request; their gradients
// come back (transferred, not copied) and are added in share order, so that a run is
// reproducible for a given number of threads. Clipping and AdamW stay with the trainer, on
// this side. Without Worker (Node, unit tests), or when a helper fails, everything runs here.
import type { GPTConfig } from '../../core/config';
import { paramLayout, type ParamLayout } from '../../core/params';
import { CpuGPT, type CpuModelOptions } from './model';
import { runShare, shareOf, shareRange, type HelperReply, type HelperRequest, type ShareKind } from './shares';
import type { TokenBatch, TrainableModel } from './trainable';

/** More threads than this add messages more than speed at the batch sizes a CPU trains. */
export const MAX_THREADS = 8;

/** One per core: this thread computes too, and waits for the helpers only at the end. */
export function defaultThreads(): number {
  const cores = typeof navigator !== 'undefined' ? navigator.hardwareConcurrency : 0;
  return Math.max(1, Math.min(MAX_THREADS, cores || 1));
}

/** A helper worker and the parameter and gradient buffers that travel to it and back. */
class Helper {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (sums: Float64Array) => void; reject: (e: Error) => void }>();
  private params: Float32Array;
  private grads: Float32Array;

  constructor(
    private readonly worker: Worker,
    config: GPTConfig,
    opts: Required<CpuModelOptions>,
    size: number,
  ) {
    this.params = new Float32Array(size);
    this.grads = new Float32Array(size);
    worker.onmessage = (ev: MessageEvent<HelperReply>) => {
      const r = ev.data;
      this.params = r.params;
      this.grads = r.grads;
      const p = this.pending.get(r.id);
      this.pending.delete(r.id);
      if (r.ok) p?.resolve(r.sums);
      else p?.reject(new Error(r.message));
    };
    const fail = (what: string) => () => {
      for (const p of this.pending.values()) p.reject(new Error(what));
      this.pending.clear();
    };
    worker.onerror = (ev: ErrorEvent) => {
      ev.preventDefault();
      fail(`a CPU helper failed: ${ev.message || 'the worker could not start'}`)();
    };
    worker.onmessageerror = fail('a CPU helper sent a message that could not be read');
    this.post({ type: 'init', config, opts });
  }

  private post(req: HelperRequest, transfer: Transferable[] = []): void {
    this.worker.postMessage(req, transfer);
  }

  /** Runs a share with `params`; resolves with the loss sums, the gradient in `grads` below. */
  run(kind: ShareKind, params: Float32Array, batches: TokenBatch[], Bs: number, T: number, scale: number): Promise<Float64Array> {
    const id = this.nextId++;
    this.params.set(params);
    const req: HelperRequest = { type: 'run', id, kind, params: this.params, grads: this.grads, batches, Bs, T, scale };
    const done = new Promise<Float64Array>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    this.post(req, [this.params.buffer, this.grads.buffer]);
    return done;
  }

  /** The gradient of the last 'gradient' run. */
  get gradient(): Float32Array {
    return this.grads;
  }

  terminate(): void {
    this.worker.terminate();
  }
}

function spawnWorker(): Worker | null {
  if (typeof Worker === 'undefined') return null;
  try {
    return new Worker(new URL('./cpu-worker.ts', import.meta.url), { type: 'module' });
  } catch {
    return null;
  }
}

export class DataParallelGPT implements TrainableModel {
  readonly layout: ParamLayout;
  /** This thread's model: the first share of every batch; its grads receive the sum. */
  readonly local: CpuGPT;
  private helpers: Helper[] = [];
  /** Requests run one at a time: the helpers' buffers are in flight during one. */
  private queue: Promise<unknown> = Promise.resolve();
  /** Why the helpers were let go, if they were. */
  helperError: Error | null = null;

  /**
   * `params` is used in place (see CpuGPT). `threads` counts this one: 1 runs everything here;
   * by default one per core, up to MAX_THREADS. The model options apply to every thread.
   */
  constructor(
    readonly config: GPTConfig,
    readonly params: Float32Array,
    opts: { threads?: number } & CpuModelOptions = {},
  ) {
    const modelOpts = { alignBytes: opts.alignBytes ?? 256, simd: opts.simd ?? true };
    this.layout = paramLayout(config, modelOpts.alignBytes);
    this.local = new CpuGPT(config, params, modelOpts);
    const threads = Math.max(1, Math.floor(opts.threads ?? defaultThreads()));
    for (let i = 1; i < threads; i++) {
      const w = spawnWorker();
      if (!w) break;
      this.helpers.push(new Helper(w, config, modelOpts, this.layout.totalElems));
    }
  }

  get grads(): Float32Array {
    return this.local.grads;
  }

  /** Threads a batch of enough sequences is split across, this one included. */
  get threads(): number {
    return 1 + this.helpers.length;
  }

  gradient(batches: readonly TokenBatch[], B: number, T: number): Promise<number> {
    return this.serial(async () => {
      const sums = await this.run('gradient', batches, B, T);
      let total = 0;
      for (const s of sums) total += s;
      return total / (B * T * batches.length);
    });
  }

  losses(batches: readonly TokenBatch[], B: number, T: number): Promise<Float64Array> {
    return this.serial(async () => (await this.run('losses', batches, B, T)).map((s) => s / (B * T)));
  }

  /** Lets the helper workers go; the model still runs, in this thread. */
  destroy(): void {
    for (const h of this.helpers) h.terminate();
    this.helpers = [];
  }

  private serial<R>(f: () => Promise<R>): Promise<R> {
    const run = this.queue.then(f, f);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Each batch's sum of token losses; for 'gradient', grads = the gradient of their total / (B·T·k). */
  private async run(kind: ShareKind, batches: readonly TokenBatch[], B: number, T: number): Promise<Float64Array> {
    const scale = 1 / (B * T * batches.length);
    const n = Math.min(this.threads, B);
    const copy = (bs: TokenBatch[]) => bs.map((b) => ({ inputs: b.inputs.slice(), targets: b.targets.slice() }));
    const size = (i: number) => shareRange(B, i, n)[1] - shareRange(B, i, n)[0];
    const remote = this.helpers.slice(0, n - 1).map((h, i) => h.run(kind, this.params, copy(shareOf(batches, B, T, i + 1, n)), size(i + 1), T, scale));
    let sums: Float64Array;
    try {
      sums = runShare(this.local, kind, shareOf(batches, B, T, 0, n), size(0), T, scale);
    } catch (e) {
      // bad input (a shape the model refuses): the helpers refuse it too, and stay usable
      await Promise.allSettled(remote);
      throw e;
    }
    let results: Float64Array[];
    try {
      results = await Promise.all(remote);
    } catch (e) {
      // A helper that fails once is not trusted again: the rest of the run stays in this thread.
      await Promise.allSettled(remote);
      this.helperError = e instanceof Error ? e : new Error(String(e));
      this.destroy();
      return runShare(this.local, kind, batches, B, T, scale);
    }
    results.forEach((r, i) => {
      for (let j = 0; j < sums.length; j++) sums[j] += r[j];
      if (kind === 'gradient') {
        const g = this.helpers[i].gradient;
        const out = this.local.grads;
        for (let k = 0; k < out.length; k++) out[k] += g[k];
      }
    });
    return sums;
  }
}
