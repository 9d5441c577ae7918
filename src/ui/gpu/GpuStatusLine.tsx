// The GPU in one line, for the page header: looking, ready on which adapter, lost, or not
// available. The details are on the Device tab, and what to do about a problem in GpuAlerts.
import { useAppStore } from '../../state/store';
import './gpu.css';

export function GpuStatusLine() {
  const gpu = useAppStore((s) => s.gpu);
  switch (gpu.state) {
    case 'ready':
      return (
        <p className="gpu-line" data-testid="gpu-ready" title={`WebGPU ready on ${gpu.report.description}`}>
          <span className="gpu-dot is-ok" aria-hidden="true" />
          <span className="gpu-line-text">
            WebGPU ready on <strong data-testid="adapter-name">{gpu.report.description}</strong>
          </span>
        </p>
      );
    case 'lost':
      return (
        <p className="gpu-line">
          <span className="gpu-dot is-warn" aria-hidden="true" />
          <span className="gpu-line-text">GPU device lost: restoring…</span>
        </p>
      );
    case 'error':
      return (
        <p className="gpu-line">
          <span className="gpu-dot is-err" aria-hidden="true" />
          <span className="gpu-line-text">{gpu.error.name === 'GpuUnavailableError' ? 'No WebGPU: training on the CPU' : 'GPU engine failed'}</span>
        </p>
      );
    default:
      return (
        <p className="gpu-line" role="status">
          <span className="gpu-dot" aria-hidden="true" />
          <span className="gpu-line-text muted">Looking for a GPU and compiling kernels…</span>
        </p>
      );
  }
}
