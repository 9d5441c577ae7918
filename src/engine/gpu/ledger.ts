// The buffer ledger: every GPU buffer the engine creates is created here, recorded with its
// owner, label and bytes, and destroyed here, so what the engine holds can be listed and
// summed at any time (the memory preflight is tested against it) and an owner can free
// everything it made at once, uniforms and scratch included.
//
// Owners are scopes in a tree, written as paths: 'device/trainer#3/plan B4 T16#5'. A plan
// makes a child scope of whoever builds it and destroys that scope in its destroy().

export interface BufferRequest {
  label: string;
  size: number;
  usage: GPUBufferUsageFlags;
}

export interface LedgerEntry {
  /** The scope that created the buffer, as a path. */
  readonly owner: string;
  readonly label: string;
  readonly bytes: number;
}

/** Whether `owner` is `scope` or one of its descendants. */
const within = (owner: string, scope: string): boolean => owner === scope || owner.startsWith(`${scope}/`);

export class BufferLedger {
  private readonly live = new Map<GPUBuffer, LedgerEntry>();
  private liveTotal = 0;
  private peak = 0;
  private scopesMade = 0;

  constructor(private readonly device: GPUDevice) {}

  /** Creates a buffer charged to `owner`. */
  create(request: BufferRequest & { owner: string }): GPUBuffer {
    const { owner, label, size, usage } = request;
    const buffer = this.device.createBuffer({ label, size, usage });
    this.live.set(buffer, { owner, label, bytes: size });
    this.liveTotal += size;
    this.peak = Math.max(this.peak, this.liveTotal);
    return buffer;
  }

  /** Destroys a buffer made here; one already destroyed (or not made here) is left alone. */
  destroy(buffer: GPUBuffer): void {
    const entry = this.live.get(buffer);
    if (!entry) return;
    this.live.delete(buffer);
    this.liveTotal -= entry.bytes;
    buffer.destroy();
  }

  /** Destroys every live buffer of `owner` and of the scopes below it. */
  destroyOwner(owner: string): void {
    for (const [buffer, entry] of [...this.live]) if (within(entry.owner, owner)) this.destroy(buffer);
  }

  /** Bytes of the live buffers of `owner` and the scopes below it; of every owner when absent. */
  liveBytes(owner?: string): number {
    if (owner === undefined) return this.liveTotal;
    let sum = 0;
    for (const e of this.live.values()) if (within(e.owner, owner)) sum += e.bytes;
    return sum;
  }

  /** The live buffers of `owner` and the scopes below it (of every owner when absent). */
  entries(owner?: string): LedgerEntry[] {
    return [...this.live.values()].filter((e) => owner === undefined || within(e.owner, owner));
  }

  /** The most bytes live at once since the ledger was made or resetPeak() was last called. */
  get peakBytes(): number {
    return this.peak;
  }

  resetPeak(): void {
    this.peak = this.liveTotal;
  }

  /** A scope named `name` below `parent` (at the root without one), unique within this ledger. */
  scope(name: string, parent?: LedgerScope): LedgerScope {
    const id = `${name.replaceAll('/', '∕')}#${++this.scopesMade}`;
    return new LedgerScope(this, parent ? `${parent.owner}/${id}` : id);
  }
}

/** One owner's view of the ledger: what it creates is charged to it and freed by destroyAll(). */
export class LedgerScope {
  constructor(
    readonly ledger: BufferLedger,
    readonly owner: string,
  ) {}

  create(request: BufferRequest): GPUBuffer {
    return this.ledger.create({ owner: this.owner, ...request });
  }

  destroy(buffer: GPUBuffer): void {
    this.ledger.destroy(buffer);
  }

  /** A scope below this one: its buffers count as this scope's too. */
  child(name: string): LedgerScope {
    return this.ledger.scope(name, this);
  }

  get liveBytes(): number {
    return this.ledger.liveBytes(this.owner);
  }

  /** Destroys everything this scope and the scopes below it created. */
  destroyAll(): void {
    this.ledger.destroyOwner(this.owner);
  }
}
