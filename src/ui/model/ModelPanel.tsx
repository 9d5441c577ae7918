// The Model panel: size, architecture variants, engine, and what it costs: parameters and
// memory against the device's limits, checked before anything is allocated.
import { validateConfig, type GPTConfig } from '../../core/config';
import { formatBytes } from '../../core/format';
import { checkMemory, DEFAULT_MEMORY_BUDGET, estimateMemory } from '../../core/memory';
import { countParams } from '../../core/params';
import { sizedDefaultsNote } from '../../state/slices/model';
import { useAppStore } from '../../state/store';
import { Checkbox, FieldError, NumberField, Panel, Select } from '../controls/controls';
import './model.css';

export function ModelPanel() {
  const model = useAppStore((s) => s.model);
  const setModel = useAppStore((s) => s.setModel);
  const backend = useAppStore((s) => s.backend);
  const setBackend = useAppStore((s) => s.setBackend);
  const batch = useAppStore((s) => s.train.batchSize);
  const gradAccum = useAppStore((s) => s.train.gradAccumSteps);
  const vocab = useAppStore((s) => s.dataReport?.vocabSize ?? null);
  const gpu = useAppStore((s) => s.gpu);
  const error = useAppStore((s) => (s.modelError?.field === 'model' ? s.modelError.message : null));
  const running = useAppStore((s) => s.trainState === 'running');
  const sizedNote = useAppStore(sizedDefaultsNote);

  const config: GPTConfig = { ...model, vocabSize: vocab ?? 65 };
  const problems = validateConfig(config);
  // Cheap (a walk over the tensor tables), so computed on every render.
  const estimate = problems.length ? null : estimateMemory(config, batch, model.blockSize, gradAccum);
  const limits = gpu.state === 'ready' ? gpu.report.limits : null;
  const fit =
    estimate && limits && backend === 'gpu'
      ? checkMemory(estimate, { maxBufferSize: limits.maxBufferSize, maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize, budget: DEFAULT_MEMORY_BUDGET }, config, batch, model.blockSize)
      : null;
  const gpuUsable = gpu.state !== 'error';

  return (
    <Panel id="model" title="Model">
      {sizedNote && (
        <p className="muted model-sized-note" data-testid="model-sized-note">
          {sizedNote}
        </p>
      )}
      <div className="model-grid">
        <NumberField label="Layers" value={model.nLayer} min={1} max={24} onChange={(v) => setModel({ nLayer: v })} disabled={running} />
        <NumberField label="Heads" value={model.nHead} min={1} max={32} onChange={(v) => setModel({ nHead: v })} disabled={running} />
        <NumberField label="Width" value={model.nEmbd} min={4} max={2048} step={4} onChange={(v) => setModel({ nEmbd: v })} disabled={running} hint="channels in the residual stream" />
        <NumberField label="Block size" value={model.blockSize} min={2} max={2048} onChange={(v) => setModel({ blockSize: v })} disabled={running} hint="tokens of context" />
      </div>
      <div className="model-grid">
        <Select
          label="Normalisation"
          value={model.norm}
          disabled={running}
          options={[
            { value: 'pre', label: 'Pre-LN (GPT-2)' },
            { value: 'post', label: 'Post-LN (original Transformer)' },
          ]}
          onChange={(norm) => setModel({ norm })}
        />
        <Select
          label="Activation"
          value={model.activation}
          disabled={running}
          options={[
            { value: 'gelu', label: 'GELU (GPT-2)' },
            { value: 'relu', label: 'ReLU' },
          ]}
          onChange={(activation) => setModel({ activation })}
        />
        <Select
          label="Positions"
          value={model.positions}
          disabled={running}
          options={[
            { value: 'learned', label: 'Learned (GPT-2)' },
            { value: 'sinusoidal', label: 'Sinusoidal (fixed)' },
          ]}
          onChange={(positions) => setModel({ positions })}
        />
        <Select
          label="Engine"
          value={backend}
          disabled={running}
          options={[
            { value: 'gpu', label: gpuUsable ? 'GPU (WebGPU)' : 'GPU (unavailable here)' },
            { value: 'cpu', label: 'CPU (reference, small models)' },
          ]}
          onChange={(b) => setBackend(b)}
        />
      </div>
      <Checkbox
        label="Causal mask"
        checked={model.causal}
        disabled={running}
        onChange={(causal) => setModel({ causal })}
        hint={
          model.causal
            ? 'Each position sees only itself and the past, as a language model must.'
            : 'Off: the cheating experiment. Each position can see the very token it must predict, so the training loss collapses, yet samples are garbage, because when generating there is no future to peek at.'
        }
      />
      <dl className="model-facts" data-testid="model-facts">
        <dt>Parameters</dt>
        <dd data-testid="param-count">
          {problems.length ? '—' : countParams(config).toLocaleString('en')}
          {vocab === null && !problems.length ? <span className="muted"> (vocabulary estimated until the text is tokenized)</span> : null}
        </dd>
        <dt>Memory</dt>
        <dd data-testid="memory-estimate">
          {estimate ? (
            <>
              {formatBytes(estimate.total)}
              <span className="muted">
                {' '}
                (weights {formatBytes(estimate.params)}, gradients and Adam {formatBytes(estimate.grads + estimate.adam)}, last-good
                snapshots {formatBytes(estimate.snapshots)}, activations {formatBytes(estimate.activations)} at batch {batch}, sampling{' '}
                {formatBytes(estimate.sampling)}, Inspect {formatBytes(estimate.inspect)}, staging {formatBytes(estimate.staging)})
              </span>
              {limits && backend === 'gpu' ? <span className="muted"> · device allows {formatBytes(Math.min(limits.maxBufferSize, limits.maxStorageBufferBindingSize))} per buffer</span> : null}
            </>
          ) : (
            '—'
          )}
        </dd>
      </dl>
      <FieldError message={problems[0] ?? fit ?? error} testId="model-error" />
    </Panel>
  );
}
