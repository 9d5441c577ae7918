import { useEffect, useMemo } from 'react';
import { EngineClient } from '../worker/client';
import { useAppStore } from '../state/store';
import { GpuStatusPanel } from './gpu/GpuStatusPanel';

export function App() {
  const client = useMemo(() => EngineClient.create(), []);
  const probeGpu = useAppStore((s) => s.probeGpu);
  const setDeviceLost = useAppStore((s) => s.setDeviceLost);

  useEffect(() => {
    void probeGpu(client);
    return client.onEvent((e) => {
      if (e.type === 'device-lost') setDeviceLost(e.error);
    });
  }, [client, probeGpu, setDeviceLost]);

  return (
    <div className="app">
      <header className="app-header">
        <h1>GPT Playground</h1>
        <p className="tagline">Train a small GPT on your own GPU, in the browser, and watch it learn.</p>
      </header>
      <main>
        <GpuStatusPanel onRetry={() => void probeGpu(client)} />
      </main>
    </div>
  );
}
