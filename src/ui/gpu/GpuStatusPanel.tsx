// Says whether WebGPU is available, which adapter the engine got, and whether every kernel
// compiled; when something is wrong, what and how to fix it; and when the device was lost,
// that the engine is replacing it and where the run was restored.
import { useAppStore } from '../../state/store';
import type { WireError } from '../../core/protocol';
import type { GpuReset } from '../../state/slices/gpu';
import './gpu.css';

const fmtBytes = (n: number): string =>
  n >= 2 ** 30 ? `${(n / 2 ** 30).toFixed(1)} GiB` : n >= 2 ** 20 ? `${(n / 2 ** 20).toFixed(0)} MiB` : `${(n / 1024).toFixed(0)} KiB`;

function advice(error: WireError): string {
  if (error.name === 'GpuUnavailableError' && error.code === 'no-webgpu') {
    return 'Open the page in a recent Chrome, Edge or Safari (Firefox 141+ on Windows). On Linux, Chrome needs the flag --enable-unsafe-webgpu or chrome://flags/#enable-unsafe-webgpu.';
  }
  if (error.name === 'GpuUnavailableError' && error.code === 'no-adapter') {
    return 'Check that hardware acceleration is on (chrome://settings/system) and look at chrome://gpu for a blocklisted GPU; updating the graphics driver often helps.';
  }
  if (error.name === 'ShaderCompileError') {
    return 'A compute shader failed to compile on this device. Please report the message above with your browser version and GPU.';
  }
  if (error.name === 'DeviceLostError') {
    return 'Reload the page: your run continues from its autosave. Closing other tabs that use the GPU heavily (games, video calls, other machine-learning pages) and choosing a smaller model or batch make another loss less likely. Retry asks for a new device without reloading.';
  }
  return 'Retry, or reload the page.';
}

const TITLES: Record<string, string> = {
  'no-webgpu': 'This browser has no WebGPU',
  'no-adapter': 'WebGPU found no usable GPU adapter',
  'device-request-failed': 'The GPU refused to open a device',
};

/** Why the device was lost: the reason and the browser's words (destroyed: “Device was destroyed.”). */
function lossReason(error: WireError): string {
  const m = /^WebGPU device lost \(([^)]*)\)(?::\s*([\s\S]*))?$/.exec(error.message);
  if (!m) return error.message;
  return m[2] ? `${m[1]}: “${m[2].trim()}”` : m[1];
}

function ResetNote({ reset }: { reset: GpuReset }) {
  const times = reset.count > 1 ? ` (${reset.count} times on this page)` : '';
  return (
    <p className="gpu-reset-note" data-testid="gpu-reset-note" role="status">
      <span className="badge gpu-warn">Reset</span> The GPU device was lost{times} ({lossReason(reset.error)}). The engine took a new device
      {reset.step === null ? '.' : <>; the run was restored at step <strong data-testid="gpu-reset-step">{reset.step}</strong> and waits, paused, for Train.</>}
    </p>
  );
}

export function GpuStatusPanel({ onRetry }: { onRetry: () => void }) {
  const gpu = useAppStore((s) => s.gpu);
  return (
    <section className="panel" aria-labelledby="gpu-status-title">
      <h2 id="gpu-status-title">GPU</h2>
      {gpu.state === 'probing' && (
        <p role="status" className="muted">
          Looking for a WebGPU adapter and compiling kernels…
        </p>
      )}
      {gpu.state === 'lost' && (
        <div className="gpu-lost" data-testid="gpu-lost" role="alert">
          <p>
            <span className="badge gpu-warn">GPU device lost</span> Getting a new device
            {gpu.step === null ? '…' : <> and restoring the run from its last good step, {gpu.step}…</>}
          </p>
          <pre className="error-detail">{gpu.error.message}</pre>
        </div>
      )}
      {gpu.state === 'ready' && (
        <div data-testid="gpu-ready">
          <p role="status">
            <span className="badge ok">WebGPU ready</span> on <strong data-testid="adapter-name">{gpu.report.description}</strong>
            {gpu.report.isFallback && <span className="muted"> — a software adapter: everything works, but training is slow.</span>}
          </p>
          {gpu.reset && <ResetNote reset={gpu.reset} />}
          <details>
          <summary>Device details</summary>
          <dl className="facts">
            <dt>Kernels</dt>
            <dd data-testid="kernel-count">{gpu.report.shaders.length} shader {gpu.report.shaders.length === 1 ? "file" : "files"} compiled</dd>
            <dt>Largest buffer</dt>
            <dd>{fmtBytes(gpu.report.limits.maxBufferSize)}</dd>
            <dt>Largest storage binding</dt>
            <dd>{fmtBytes(gpu.report.limits.maxStorageBufferBindingSize)}</dd>
            <dt>Workgroup memory</dt>
            <dd>{fmtBytes(gpu.report.limits.maxComputeWorkgroupStorageSize)}</dd>
            <dt>Features</dt>
            <dd>{gpu.report.features.length ? gpu.report.features.join(', ') : 'none beyond the core'}</dd>
          </dl>
          </details>
        </div>
      )}
      {gpu.state === 'error' && (
        <div role="alert" className="error-box" data-testid="gpu-error" data-error={gpu.error.name} data-code={gpu.error.code}>
          <p>
            <strong>{TITLES[gpu.error.code ?? ''] ?? (gpu.error.name === 'ShaderCompileError' ? 'A kernel failed to compile' : gpu.error.name === 'DeviceLostError' ? 'The GPU device was lost' : 'The GPU engine failed')}</strong>
          </p>
          <pre className="error-detail">{gpu.error.message}</pre>
          <p>{advice(gpu.error)}</p>
          {gpu.error.name === 'GpuUnavailableError' && (
            <p data-testid="cpu-mode-note">
              Meanwhile you can still train here: the <strong>CPU</strong> engine runs the same model in plain JavaScript (small models only, and slower). It is selected in the Model panel.
            </p>
          )}
          <button type="button" onClick={onRetry}>
            Retry
          </button>
        </div>
      )}
    </section>
  );
}
