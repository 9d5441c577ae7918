// Neurons: the MLP neurons that fire most at one position of a prompt, per layer; picking one
// lists the validation-text contexts that drive it hardest, its token marked.
import type { NeuronReport, NeuronsAtReport } from '../../core/inspect';
import { useAppStore } from '../../state/store';
import { MeasuredNote, PromptAtPosition, usePromptAtPosition, ViewError, ViewSection } from './common';
import { formatValue } from './table';
import { tokenText } from './text';

export function NeuronsView() {
  return (
    <ViewSection
      id="neurons"
      title="Neurons"
      intro="The MLP neurons that fire most at one position of a prompt, layer by layer. Pick one to see the places in the validation text that make it fire hardest: often they share a pattern."
    >
      <NeuronsBody />
    </ViewSection>
  );
}

function NeuronsBody() {
  const { view, report, run, promptProps } = usePromptAtPosition('neuronsAt', 'neuronsPrompt', 'Type a prompt to look at.');
  const neuron = useAppStore((s) => s.inspect.neuron);
  const picked = neuron.query ? { layer: neuron.query.layer, index: neuron.query.index } : null;

  return (
    <>
      <PromptAtPosition
        name="neurons"
        {...promptProps}
        promptLabel="Neurons prompt"
        chipsLabel="Position to look at"
      />
      <p className="inspect-summary" aria-live="polite">
        {report ? `The neurons firing most after token ${report.position + 1}, “${report.tokens[report.position] ?? ''}”.` : ''}
      </p>
      {report && (
        <>
          <MeasuredNote view={view} />
          <NeuronLists report={report} picked={picked} onPick={(layer, index) => void run({ kind: 'neuron', layer, index })} />
        </>
      )}
      <ViewError error={neuron.error} field="neuron" testId="neuron-error" />
      <div aria-live="polite" aria-busy={neuron.busy}>
        {neuron.result && <NeuronContexts report={neuron.result} />}
      </div>
    </>
  );
}

function NeuronLists({ report, picked, onPick }: { report: NeuronsAtReport; picked: { layer: number; index: number } | null; onPick: (layer: number, index: number) => void }) {
  return (
    <div className="inspect-neuron-layers" data-testid="neuron-lists">
      {report.layers.map(({ layer, top }) => {
        const max = top.reduce((m, n) => Math.max(m, Math.abs(n.value)), 0) || 1;
        return (
          <div key={layer} className="inspect-neuron-layer">
            <h3 className="inspect-minor" id={`neurons-layer-${layer}`}>
              Layer {layer + 1}
            </h3>
            <ul className="inspect-neuron-list" aria-labelledby={`neurons-layer-${layer}`}>
              {top.map((n) => (
                <li key={n.index}>
                  <button
                    type="button"
                    className="inspect-neuron"
                    aria-pressed={picked?.layer === layer && picked.index === n.index}
                    aria-label={`Neuron ${n.index} of layer ${layer + 1}: ${formatValue(n.value)}. Show its top contexts`}
                    data-testid="neuron"
                    onClick={() => onPick(layer, n.index)}
                  >
                    <span className="inspect-neuron-index">#{n.index}</span>
                    <span className="inspect-bar-track" aria-hidden="true">
                      <span className={`inspect-bar-fill${n.value < 0 ? ' is-negative' : ''}`} style={{ width: `${(Math.abs(n.value) / max) * 100}%` }} />
                    </span>
                    <span className="inspect-neuron-value">{formatValue(n.value)}</span>
                  </button>
                </li>
              ))}
            </ul>
          </div>
        );
      })}
    </div>
  );
}

function NeuronContexts({ report }: { report: NeuronReport }) {
  return (
    <div className="inspect-neuron-contexts" data-testid="neuron-contexts">
      <h3 className="inspect-subhead">
        Layer {report.layer + 1}, neuron #{report.index}: where it fires hardest
      </h3>
      <ol className="inspect-contexts">
        {report.top.map((c, i) => (
          <li key={i}>
            <span className="inspect-context-value">{formatValue(c.value)}</span>
            <span className="inspect-context-text">
              <span className="muted">{c.context.replaceAll('␣', ' ')}</span>
              <mark>{tokenText(c.token).text}</mark>
            </span>
          </li>
        ))}
      </ol>
    </div>
  );
}
