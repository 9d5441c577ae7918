// What is wrong with the GPU, when something is: no WebGPU or no adapter (and how to fix it),
// a kernel that did not compile, a device lost and being replaced, and where the run was
// restored. The adapter and its limits are in DeviceDetails; a one-line status in the header.
import { useState } from 'react';
import { useAppStore } from '../../state/store';
import type { WireError } from '../../core/protocol';
import type { GpuReset } from '../../state/slices/gpu';
import './gpu.css';

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

/** The headline of a GPU error. */
export function errorTitle(error: WireError): string {
  return TITLES[error.code ?? ''] ?? (error.name === 'ShaderCompileError' ? 'A kernel failed to compile' : error.name === 'DeviceLostError' ? 'The GPU device was lost' : 'The GPU engine failed');
}

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

/**
 * What the page must say about the GPU at once, above every tab: the device lost and being
 * replaced, a device replaced earlier, or no usable device and what to do. Nothing while the
 * GPU is fine (the header's status line says so) or still being looked for.
 */
export function GpuAlerts({ onRetry }: { onRetry: () => void }) {
  const gpu = useAppStore((s) => s.gpu);
  // A reset is news once: the note can be put away (a later reset brings a new one).
  const [dismissed, setDismissed] = useState<GpuReset | null>(null);
  const reset = gpu.state === 'ready' && gpu.reset && gpu.reset !== dismissed ? gpu.reset : null;
  const show = gpu.state === 'lost' || gpu.state === 'error' || reset;
  if (!show) return null;
  return (
    <section className="panel gpu-alerts" aria-labelledby="gpu-status-title">
      <h2 id="gpu-status-title">GPU</h2>
      {gpu.state === 'lost' && (
        <div className="gpu-lost" data-testid="gpu-lost" role="alert">
          <p>
            <span className="badge gpu-warn">GPU device lost</span> Getting a new device
            {gpu.step === null ? '…' : <> and restoring the run from its last good step, {gpu.step}…</>}
          </p>
          <pre className="error-detail">{gpu.error.message}</pre>
        </div>
      )}
      {reset && (
        <div className="gpu-reset">
          <ResetNote reset={reset} />
          <button type="button" className="secondary" onClick={() => setDismissed(reset)}>
            Dismiss
          </button>
        </div>
      )}
      {gpu.state === 'error' && (
        <div role="alert" className="error-box" data-testid="gpu-error" data-error={gpu.error.name} data-code={gpu.error.code}>
          <p>
            <strong>{errorTitle(gpu.error)}</strong>
          </p>
          <pre className="error-detail">{gpu.error.message}</pre>
          <p>{advice(gpu.error)}</p>
          {gpu.error.name === 'GpuUnavailableError' && (
            <p data-testid="cpu-mode-note">
              Meanwhile you can still train here: the <strong>CPU</strong> engine runs the same model in plain JavaScript (small models only, and slower). It is selected in the Model settings.
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
