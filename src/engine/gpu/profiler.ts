// Where a step's GPU time goes. With the 'timestamp-query' feature every dispatch runs in its
// own compute pass whose beginning and end are written into a query set, so each kernel gets
// its own GPU time; without it only the wall time of the whole submission and the dispatch
// counts are known. A ProfileRecorder stands in for recordPass() inside an encoder the
// caller owns (a real training step, a decoded token), so profiling changes nothing but how
// the work is split into passes; profileDispatches() is the one-call form for a plain list.
import type { Gpu } from './device';
import type { Dispatch } from './dispatch';
import type { KernelTime, ProfileMode, ProfileReport } from '../../core/reports';

export type { KernelTime, ProfileMode, ProfileReport } from '../../core/reports';


export interface ProfileOptions {
  /** 'auto' (the default) uses timestamps when the device has the feature. */
  mode?: 'auto' | ProfileMode;
  label?: string;
}

/** The WebGPU limit on queries in one query set. */
const QUERIES_PER_SET = 4096;
const PASSES_PER_SET = QUERIES_PER_SET / 2;

export function hasTimestamps(gpu: Gpu): boolean {
  return gpu.features.has('timestamp-query');
}

export function chooseMode(gpu: Gpu, requested: ProfileOptions['mode'] = 'auto'): ProfileMode {
  if (requested === 'timestamp' && !hasTimestamps(gpu)) throw new Error('this device has no timestamp-query feature');
  if (requested === 'auto') return hasTimestamps(gpu) ? 'timestamp' : 'wall';
  return requested;
}

/**
 * Records dispatches for profiling. Use: `record()` in place of recordPass() (any number of
 * times, interleaved with copies), `finish(enc)` just before submitting `enc`, then
 * `report()` after the submit. Single use; its GPU objects are freed by report().
 */
export class ProfileRecorder {
  readonly mode: ProfileMode;
  private labels: string[] = [];
  private sets: GPUQuerySet[] = [];
  private resolveBuf: GPUBuffer | null = null;
  private readBuf: GPUBuffer | null = null;
  private submittedAt = NaN;
  private finished = false;

  constructor(
    readonly gpu: Gpu,
    opts: ProfileOptions = {},
  ) {
    this.mode = chooseMode(gpu, opts.mode);
  }

  get dispatches(): number {
    return this.labels.length;
  }

  /** Records `dispatches` into `enc`: one pass each with timestamps, else one pass for all. */
  record(enc: GPUCommandEncoder, dispatches: readonly Dispatch[], label = 'profiled'): void {
    if (this.finished) throw new Error('ProfileRecorder: record() after finish()');
    if (this.mode === 'wall') {
      const pass = enc.beginComputePass({ label });
      for (const d of dispatches) this.encodeOne(pass, d);
      pass.end();
      return;
    }
    for (const d of dispatches) {
      const i = this.labels.length;
      const set = Math.floor(i / PASSES_PER_SET);
      if (set === this.sets.length) {
        this.sets.push(this.gpu.device.createQuerySet({ label: `profile ${set}`, type: 'timestamp', count: QUERIES_PER_SET }));
      }
      const slot = (i % PASSES_PER_SET) * 2;
      const pass = enc.beginComputePass({
        label: d.label,
        timestampWrites: { querySet: this.sets[set], beginningOfPassWriteIndex: slot, endOfPassWriteIndex: slot + 1 },
      });
      this.encodeOne(pass, d);
      pass.end();
    }
  }

  private encodeOne(pass: GPUComputePassEncoder, d: Dispatch): void {
    this.labels.push(d.label);
    pass.setPipeline(d.pipeline);
    pass.setBindGroup(0, d.bindGroup);
    pass.dispatchWorkgroups(d.workgroups[0], d.workgroups[1], d.workgroups[2]);
  }

  /** Resolves the timestamps into `enc`; call last, right before submitting it. */
  finish(enc: GPUCommandEncoder): void {
    if (this.finished) throw new Error('ProfileRecorder: finish() twice');
    this.finished = true;
    if (this.mode === 'timestamp' && this.labels.length) {
      const bytes = this.labels.length * 2 * 8;
      const buffers = this.gpu.buffers;
      this.resolveBuf = buffers.create({ label: 'profile resolve', size: bytes, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
      this.readBuf = buffers.create({ label: 'profile read', size: bytes, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
      this.sets.forEach((set, s) => {
        const queries = Math.min(QUERIES_PER_SET, this.labels.length * 2 - s * QUERIES_PER_SET);
        enc.resolveQuerySet(set, 0, queries, this.resolveBuf!, s * QUERIES_PER_SET * 8);
      });
      enc.copyBufferToBuffer(this.resolveBuf, 0, this.readBuf, 0, bytes);
    }
    this.submittedAt = performance.now();
  }

  /** After the submit: waits for the GPU and reports. */
  async report(): Promise<ProfileReport> {
    if (!this.finished) throw new Error('ProfileRecorder: report() before finish()');
    try {
      if (this.mode === 'wall' || !this.readBuf) {
        await this.gpu.device.queue.onSubmittedWorkDone();
        const totalMs = performance.now() - this.submittedAt;
        return { mode: this.mode, totalMs, dispatches: this.labels.length, kernels: groupKernels(this.labels, null) };
      }
      await this.readBuf.mapAsync(GPUMapMode.READ);
      const stamps = new BigUint64Array(this.readBuf.getMappedRange().slice(0));
      this.readBuf.unmap();
      return timestampReport(this.labels, stamps);
    } finally {
      for (const s of this.sets) s.destroy();
      if (this.resolveBuf) this.gpu.buffers.destroy(this.resolveBuf);
      if (this.readBuf) this.gpu.buffers.destroy(this.readBuf);
    }
  }
}

/**
 * Builds the report from begin/end timestamp pairs (ns) in pass order. A pair whose end is
 * before its beginning (a clock the browser quantises or that the driver reset) counts as 0.
 */
export function timestampReport(labels: readonly string[], stamps: BigUint64Array): ProfileReport {
  const ms: number[] = [];
  let first = Infinity;
  let last = -Infinity;
  for (let i = 0; i < labels.length; i++) {
    const begin = stamps[2 * i];
    const end = stamps[2 * i + 1];
    ms.push(end > begin ? Number(end - begin) / 1e6 : 0);
    // Offsets from the first stamp keep the span exact where Number(bigint ns) would round.
    first = Math.min(first, Number(begin - stamps[0]));
    last = Math.max(last, Number(end - stamps[0]));
  }
  const span = labels.length ? (last - first) / 1e6 : 0;
  // The span covers every pass, so it is at least the slowest one unless the clock misbehaved.
  const totalMs = Math.max(span, ...ms, 0);
  return { mode: 'timestamp', totalMs, dispatches: labels.length, kernels: groupKernels(labels, ms) };
}

/** Groups dispatches by label: counts, summed times, slowest (or most frequent) first. */
export function groupKernels(labels: readonly string[], ms: readonly number[] | null): KernelTime[] {
  const byLabel = new Map<string, KernelTime>();
  labels.forEach((label, i) => {
    let k = byLabel.get(label);
    if (!k) byLabel.set(label, (k = { label, count: 0, ms: ms ? 0 : null }));
    k.count++;
    if (ms && k.ms !== null) k.ms += ms[i];
  });
  return [...byLabel.values()].sort((a, b) => (b.ms ?? 0) - (a.ms ?? 0) || b.count - a.count || a.label.localeCompare(b.label));
}

/**
 * Runs `dispatches` once in one submission and reports where the time went. The dispatches
 * really run: anything they write is written, as it would be by recordPass().
 */
export async function profileDispatches(gpu: Gpu, dispatches: readonly Dispatch[], opts: ProfileOptions = {}): Promise<ProfileReport> {
  const rec = new ProfileRecorder(gpu, opts);
  const enc = gpu.device.createCommandEncoder({ label: opts.label ?? 'profile' });
  rec.record(enc, dispatches, opts.label);
  rec.finish(enc);
  gpu.device.pushErrorScope('validation');
  gpu.device.queue.submit([enc.finish()]);
  const err = await gpu.device.popErrorScope();
  const report = await rec.report();
  if (err) throw new Error(`profiling failed: ${err.message}`);
  return report;
}
