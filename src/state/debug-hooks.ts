// Hooks on window for end-to-end tests, in dev and test builds only (main.tsx installs them
// behind import.meta.env.DEV). Each asks the worker to fail the way the real fault does, so a
// test exercises the same recovery a user meets.
import { engine } from './engine';

export interface PlaygroundDebugHooks {
  /** Destroys the worker's GPU device, as a driver reset or a crashed GPU process would. */
  destroyDevice(): Promise<{ destroyed: boolean }>;
  /** The next training step also records a dispatch the GPU refuses (a validation error). */
  badDispatch(): Promise<{ step: number }>;
}

declare global {
  interface Window {
    __gptPlayground?: PlaygroundDebugHooks;
  }
}

export function installDebugHooks(): void {
  window.__gptPlayground = {
    destroyDevice: () => engine().request('debugDestroyDevice'),
    badDispatch: () => engine().request('debugBadDispatch'),
  };
}
