// One submission's error scopes: validation, out-of-memory and internal, pushed before the
// work is recorded and popped right after it is submitted. The pops are promises that resolve
// when the GPU has checked the work, so a caller can settle them together with a readback of
// that same work instead of waiting for the GPU on the spot.
import { GpuOperationError, gpuErrorKind } from './errors';

/** Pushed in this order, so the most frequent kind (validation) is innermost and popped first. */
const FILTERS: readonly GPUErrorFilter[] = ['internal', 'out-of-memory', 'validation'];

export interface OpenErrorScopes {
  /**
   * Pops the three scopes; call once, synchronously after the submit, with nothing pushed
   * in between. Resolves with the first error caught (validation, then out of memory, then
   * internal) or null; never rejects.
   */
  close(): Promise<GpuOperationError | null>;
}

/**
 * Opens the scopes around work on `device`. The push and the pop must be in one synchronous
 * stretch of code: scopes are a stack per device, and other code (pipeline builds, other
 * requests) runs at every await.
 */
export function openErrorScopes(device: GPUDevice, during: string): OpenErrorScopes {
  for (const f of FILTERS) device.pushErrorScope(f);
  let closed = false;
  return {
    close: () => {
      if (closed) throw new Error(`the error scopes of ${during} were already closed`);
      closed = true;
      // Popped innermost first: validation, out-of-memory, internal.
      const pops = [...FILTERS].reverse().map((): Promise<GPUError | null> =>
        // A lost device resolves its pops with null (older browsers rejected them): the loss
        // itself is reported by device.lost, not here.
        device.popErrorScope().catch(() => null),
      );
      return Promise.all(pops).then((errors) => {
        const first = errors.find((e): e is GPUError => e !== null);
        return first ? new GpuOperationError(gpuErrorKind(first), during, first.message) : null;
      });
    },
  };
}
