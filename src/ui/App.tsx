import { useEffect } from 'react';
import { connectEngineEvents, useAppStore } from '../state/store';
import { startPersistence, usePersistStore } from '../state/persist';
import { GpuStatusPanel } from './gpu/GpuStatusPanel';
import { DataPanel } from './data/DataPanel';
import { ModelPanel } from './model/ModelPanel';
import { TrainPanel } from './train/TrainPanel';
import { SamplePanel } from './sample/SamplePanel';
import { AttentionPanel } from './attention/AttentionPanel';
import { SharePanel } from './share/SharePanel';
import { RunOwnershipBanner } from './share/RunElsewhere';
import { ProfilerPanel } from './profiler/ProfilerPanel';
import { FieldError } from './controls/controls';

export function App() {
  const probeGpu = useAppStore((s) => s.probeGpu);

  useEffect(() => {
    const off = connectEngineEvents();
    void probeGpu();
    const stopPersistence = startPersistence();
    return () => {
      off();
      stopPersistence();
    };
  }, [probeGpu]);

  return (
    <div className="app">
      <header className="app-header">
        <h1>GPT Playground</h1>
        <p className="tagline">Train a small GPT on your own GPU, in the browser, and watch it learn.</p>
      </header>
      <main>
        <LinkBanner />
        <RunOwnershipBanner />
        <GpuStatusPanel onRetry={() => void probeGpu()} />
        <div className="layout">
          <DataPanel />
          <ModelPanel />
          <div className="span-2">
            <TrainPanel />
          </div>
          <SamplePanel />
          <AttentionPanel />
          <div className="span-2">
            <SharePanel />
          </div>
          <div className="span-2">
            <Profiler />
          </div>
        </div>
      </main>
    </div>
  );
}

/** A shared link that could not be opened: what was wrong (its content is never run). */
function LinkBanner() {
  const linkError = usePersistStore((s) => s.linkError);
  if (!linkError) return null;
  return (
    <div role="alert" className="field-error" data-testid="link-error">
      <strong>This link could not be opened.</strong> {linkError}
    </div>
  );
}

function Profiler() {
  const report = useAppStore((s) => s.profile);
  const busy = useAppStore((s) => s.profileBusy || s.trainState === 'running');
  const error = useAppStore((s) => s.profileError);
  const runProfile = useAppStore((s) => s.runProfile);
  return (
    <>
      <ProfilerPanel report={report} busy={busy} onProfile={(what) => void runProfile(what)} />
      <FieldError message={error} testId="profile-error" />
    </>
  );
}
