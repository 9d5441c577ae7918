// The Device tab: the GPU the engine runs on, the benchmark of this device, and the profiler
// that times the kernels of the model.
import type { GpuStatus } from '../../state/slices/gpu';
import { useAppStore } from '../../state/store';
import { BenchmarkPanel } from '../benchmark/BenchmarkPanel';
import { FieldError } from '../controls/controls';
import { DeviceDetails } from '../gpu/DeviceDetails';
import { ProfilerPanel } from '../profiler/ProfilerPanel';

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

/** Why the benchmark cannot run now, or null when it can. */
function benchmarkBlockedBy(gpu: GpuStatus['state'], training: boolean, profiling: boolean): string | null {
  if (gpu === 'probing') return 'Waiting for the WebGPU adapter…';
  if (gpu === 'lost') return 'The GPU was lost: wait for the new device.';
  if (gpu === 'error') return 'The benchmark measures the GPU, and WebGPU is not available here.';
  if (training) return 'Pause training to run the benchmark: it needs the GPU to itself.';
  if (profiling) return 'Wait for the profile to finish: the benchmark needs the GPU to itself.';
  return null;
}

function Benchmark() {
  const report = useAppStore((s) => s.benchmark);
  const busy = useAppStore((s) => s.benchmarkBusy);
  const progress = useAppStore((s) => s.benchmarkProgress);
  const error = useAppStore((s) => s.benchmarkError);
  const blockedBy = useAppStore((s) => benchmarkBlockedBy(s.gpu.state, s.trainState === 'running', s.profileBusy));
  const run = useAppStore((s) => s.runBenchmark);
  return <BenchmarkPanel report={report} busy={busy} progress={progress} error={error} blockedBy={blockedBy} onRun={() => void run()} />;
}

export function DevicePage() {
  return (
    <div className="page-stack">
      <DeviceDetails />
      <Benchmark />
      <Profiler />
    </div>
  );
}
