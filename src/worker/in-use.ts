// The requests using a model right now (maps, samples, logits, Inspect views): a model is
// destroyed only after they have settled, so that none of them writes to its freed buffers.

export class InUse {
  private readonly pending = new Set<Promise<unknown>>();

  /** Runs `work` as one of the model's users; resolves or rejects as it does. */
  track<T>(work: () => Promise<T>): Promise<T> {
    const p = work();
    this.pending.add(p);
    const done = () => this.pending.delete(p);
    p.then(done, done);
    return p;
  }

  /** Resolves once every use under way has settled (never rejects). */
  async settled(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }
}
