import { useEffect } from 'react';
import { connectEngineEvents, useAppStore } from '../state/store';
import { GpuStatusPanel } from './gpu/GpuStatusPanel';

export function App() {
  const probeGpu = useAppStore((s) => s.probeGpu);

  useEffect(() => {
    const off = connectEngineEvents();
    void probeGpu();
    return off;
  }, [probeGpu]);

  return (
    <div className="app">
      <header className="app-header">
        <h1>GPT Playground</h1>
        <p className="tagline">Train a small GPT on your own GPU, in the browser, and watch it learn.</p>
      </header>
      <main>
        <GpuStatusPanel onRetry={() => void probeGpu()} />
      </main>
    </div>
  );
}
