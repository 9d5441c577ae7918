// A ring of MAP_READ staging buffers. A step copies the values it wants to read (a loss, a
// norm) into the next free slot inside its own command encoder; the values arrive later
// through a promise. Nothing waits: when every slot is still in flight the ring grows
// instead of stalling the next step.
import { readbackSlotBytes } from '../../core/allocations';
import type { Gpu } from './device';
import type { LedgerScope } from './ledger';

export interface ReadbackTicket {
  /** Starts the map (call after the encoder holding the copy was submitted). */
  read(): Promise<ArrayBuffer>;
}

interface Slot {
  buffer: GPUBuffer;
  busy: boolean;
}

export class ReadbackRing {
  private slots: Slot[] = [];
  private next = 0;
  /** The owner the slots are charged to: whoever made the ring. */
  private readonly buffers: LedgerScope;

  constructor(
    gpu: Gpu,
    readonly slotBytes: number,
    initialSlots = 4,
  ) {
    this.buffers = gpu.buffers;
    for (let i = 0; i < initialSlots; i++) this.slots.push(this.makeSlot());
  }

  /** Slots in the ring (grows only if every slot was in flight at once). */
  get capacity(): number {
    return this.slots.length;
  }

  get inFlight(): number {
    return this.slots.filter((s) => s.busy).length;
  }

  private makeSlot(): Slot {
    const buffer = this.buffers.create({
      label: `readback[${this.slots.length}]`,
      size: readbackSlotBytes(this.slotBytes),
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    return { buffer, busy: false };
  }

  private take(): Slot {
    for (let k = 0; k < this.slots.length; k++) {
      const s = this.slots[(this.next + k) % this.slots.length];
      if (!s.busy) {
        this.next = (this.next + k + 1) % this.slots.length;
        return s;
      }
    }
    const s = this.makeSlot();
    this.slots.push(s);
    return s;
  }

  /** Records a copy of `bytes` bytes from `src` at `offset` into a free slot. */
  copy(encoder: GPUCommandEncoder, src: GPUBuffer, offset: number, bytes: number): ReadbackTicket {
    if (bytes > this.slotBytes) throw new RangeError(`readback of ${bytes} bytes exceeds slot size ${this.slotBytes}`);
    const slot = this.take();
    slot.busy = true;
    encoder.copyBufferToBuffer(src, offset, slot.buffer, 0, Math.ceil(bytes / 4) * 4);
    let started: Promise<ArrayBuffer> | null = null;
    return {
      read: () => {
        started ??= slot.buffer.mapAsync(GPUMapMode.READ, 0, Math.ceil(bytes / 4) * 4).then(
          () => {
            const out = slot.buffer.getMappedRange(0, Math.ceil(bytes / 4) * 4).slice(0, bytes);
            slot.buffer.unmap();
            slot.busy = false;
            return out;
          },
          (e: unknown) => {
            slot.busy = false;
            throw e;
          },
        );
        return started;
      },
    };
  }

  destroy(): void {
    for (const s of this.slots) this.buffers.destroy(s.buffer);
    this.slots = [];
  }
}

/**
 * Reads bytes of a buffer back, waiting for the GPU: for tests, exports and inference, never
 * for the training loop (which uses the ring).
 */
export async function readBuffer(gpu: Gpu, src: GPUBuffer, offset: number, bytes: number): Promise<ArrayBuffer> {
  const device = gpu.device;
  const size = readbackSlotBytes(bytes);
  const staging = gpu.buffers.create({ label: 'read back', size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const enc = device.createCommandEncoder();
  enc.copyBufferToBuffer(src, offset, staging, 0, size);
  device.queue.submit([enc.finish()]);
  try {
    await staging.mapAsync(GPUMapMode.READ);
    return staging.getMappedRange().slice(0, bytes);
  } finally {
    gpu.buffers.destroy(staging);
  }
}
