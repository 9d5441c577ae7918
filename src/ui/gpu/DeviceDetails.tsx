// The Device tab's account of the GPU: the adapter, whether every kernel compiled, and the
// limits and features the engine plans with.
import { useAppStore } from '../../state/store';
import { errorTitle } from './GpuAlerts';
import './gpu.css';

const fmtBytes = (n: number): string =>
  n >= 2 ** 30 ? `${(n / 2 ** 30).toFixed(1)} GiB` : n >= 2 ** 20 ? `${(n / 2 ** 20).toFixed(0)} MiB` : `${(n / 1024).toFixed(0)} KiB`;

export function DeviceDetails() {
  const gpu = useAppStore((s) => s.gpu);
  return (
    <section className="panel" aria-labelledby="device-title" data-testid="device-details">
      <h2 id="device-title">Device</h2>
      {gpu.state === 'probing' && <p className="muted">Looking for a WebGPU adapter and compiling kernels…</p>}
      {gpu.state === 'lost' && <p>The device was lost; the engine is getting a new one (see the message above).</p>}
      {gpu.state === 'error' && (
        <p>
          <strong>{errorTitle(gpu.error)}.</strong> The message above says why and what to do; meanwhile the CPU engine trains small models.
        </p>
      )}
      {gpu.state === 'ready' && (
        <>
          <p>
            <span className="badge ok">WebGPU ready</span> on <strong>{gpu.report.description}</strong>
            {gpu.report.isFallback && <span className="muted"> — a software adapter: everything works, but training is slow.</span>}
          </p>
          <dl className="facts">
            <dt>Kernels</dt>
            <dd data-testid="kernel-count">
              {gpu.report.shaders.length} shader {gpu.report.shaders.length === 1 ? 'file' : 'files'} compiled
            </dd>
            <dt>Largest buffer</dt>
            <dd>{fmtBytes(gpu.report.limits.maxBufferSize)}</dd>
            <dt>Largest storage binding</dt>
            <dd>{fmtBytes(gpu.report.limits.maxStorageBufferBindingSize)}</dd>
            <dt>Workgroup memory</dt>
            <dd>{fmtBytes(gpu.report.limits.maxComputeWorkgroupStorageSize)}</dd>
            <dt>Features</dt>
            <dd>{gpu.report.features.length ? gpu.report.features.join(', ') : 'none beyond the core'}</dd>
          </dl>
        </>
      )}
    </section>
  );
}
