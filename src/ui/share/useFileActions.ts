// The Files section's actions — export and import a checkpoint, export the ONNX model and
// check it with ONNX Runtime — one at a time, each ending in a status line or an error.
import { useCallback, useRef, useState } from 'react';
import { exportCheckpointFile, exportOnnxFile, importCheckpointFile, verifyOnnx } from '../../state/persist';
import { downloadBlob } from './download';
import { errorMessage, formatBytes, type OnnxCheck } from './format';

export type FileOp = 'checkpoint' | 'import' | 'onnx' | 'verify';
export type OnnxProvider = 'wasm' | 'webgpu';

const BUSY_TEXT: Record<FileOp, string> = {
  checkpoint: 'Exporting the checkpoint…',
  import: 'Loading the checkpoint…',
  onnx: 'Exporting the ONNX model…',
  verify: 'Running the export through ONNX Runtime…',
};

async function download(make: () => Promise<{ blob: Blob; filename: string }>): Promise<string> {
  const { blob, filename } = await make();
  downloadBlob(blob, filename);
  return `Downloaded ${filename} (${formatBytes(blob.size)}).`;
}

export function useFileActions() {
  const [busy, setBusy] = useState<FileOp | null>(null);
  const [status, setStatus] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [onnx, setOnnx] = useState<(OnnxCheck & { provider: OnnxProvider }) | null>(null);
  // Checked synchronously: state would let a fast second click through before re-rendering.
  const current = useRef<FileOp | null>(null);

  const run = useCallback(async (op: FileOp, work: () => Promise<string>) => {
    if (current.current) return;
    current.current = op;
    setBusy(op);
    setError(null);
    setStatus(BUSY_TEXT[op]);
    try {
      setStatus(await work());
    } catch (e) {
      setError(errorMessage(e));
      setStatus('');
    } finally {
      current.current = null;
      setBusy(null);
    }
  }, []);

  const exportCheckpoint = useCallback(() => run('checkpoint', () => download(exportCheckpointFile)), [run]);
  const exportOnnx = useCallback(() => run('onnx', () => download(exportOnnxFile)), [run]);
  const importCheckpoint = useCallback(
    (file: File) =>
      run('import', async () => {
        await importCheckpointFile(file);
        return `Loaded ${file.name}: the model is ready to sample, inspect or train further.`;
      }),
    [run],
  );
  const verify = useCallback(
    (provider: OnnxProvider) =>
      run('verify', async () => {
        // A result for an earlier export must not sit next to an error about this one.
        setOnnx(null);
        const r = await verifyOnnx(provider);
        setOnnx({ ...r, provider });
        // The result box announces itself (aria-live): a status line too would say it twice.
        return '';
      }),
    [run],
  );

  return { busy, status, error, onnx, exportCheckpoint, exportOnnx, importCheckpoint, verify };
}
