// The Device tab: the GPU the engine runs on, and the profiler that times its kernels.
import { useAppStore } from '../../state/store';
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

export function DevicePage() {
  return (
    <div className="page-stack">
      <DeviceDetails />
      <Profiler />
    </div>
  );
}
