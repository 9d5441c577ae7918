// The page's side of the worker protocol: typed requests returning promises.
import type { Event, Request, ResultOf, RequestType, WireError, WorkerMessage } from '../core/protocol';

export class WorkerRequestError extends Error {
  constructor(readonly wire: WireError) {
    super(wire.message);
    this.name = wire.name;
  }
}

type Pending = { resolve: (v: unknown) => void; reject: (e: unknown) => void };

export class EngineClient {
  private nextId = 1;
  private pending = new Map<number, Pending>();
  private listeners = new Set<(e: Event) => void>();

  constructor(private readonly worker: Worker) {
    worker.onmessage = (ev: MessageEvent<WorkerMessage>) => {
      const msg = ev.data;
      if (msg.id === undefined) {
        for (const f of this.listeners) f(msg as Event);
        return;
      }
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.result);
      else p.reject(new WorkerRequestError(msg.error));
    };
    worker.onerror = (ev) => {
      const err = new WorkerRequestError({ name: 'WorkerError', message: ev.message || 'the engine worker failed to start' });
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
  }

  static create(): EngineClient {
    return new EngineClient(new Worker(new URL('../worker/engine.worker.ts', import.meta.url), { type: 'module' }));
  }

  request<T extends RequestType>(type: T, body: Omit<Extract<Request, { type: T }>, 'id' | 'type'> = {} as never): Promise<ResultOf[T]> {
    return this.send(type, body).result;
  }

  /**
   * A request and its id, for requests that a later one refers to (stopSample names the
   * sample it stops) and whose events carry it (sample-token's sampleId).
   */
  send<T extends RequestType>(type: T, body: Omit<Extract<Request, { type: T }>, 'id' | 'type'> = {} as never): { id: number; result: Promise<ResultOf[T]> } {
    const id = this.nextId++;
    const result = new Promise<ResultOf[T]>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ ...body, id, type });
    });
    return { id, result };
  }

  onEvent(f: (e: Event) => void): () => void {
    this.listeners.add(f);
    return () => this.listeners.delete(f);
  }

  terminate(): void {
    this.worker.terminate();
  }
}
