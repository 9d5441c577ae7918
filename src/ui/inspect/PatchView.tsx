// Activation patching: run a corrupted prompt, but take one unit's output from the clean run,
// and see how much of the target's probability comes back. A cell as blue as the clean run
// names a unit that carries what the corruption changed.
import { useId } from 'react';
import type { PatchReport } from '../../core/inspect';
import { useAppStore } from '../../state/store';
import { formatProb } from '../sample/format';
import { MeasuredNote, PromptArea, RunButton, useSamplePrompt, ViewError, ViewSection } from './common';
import { divergingGradient, divergingTint, restoredFraction } from './scales';
import { typedToken } from './text';

export function PatchView() {
  return (
    <ViewSection
      id="patch"
      title="Activation patching"
      intro="Run a corrupted prompt, but copy one head’s (or sublayer’s) output from the clean prompt at every position: the cells where the target’s probability comes back are where the difference is carried."
    >
      <PatchBody />
    </ViewSection>
  );
}

function PatchBody() {
  const view = useAppStore((s) => s.inspect.patch);
  const inputs = useAppStore((s) => s.inspectInputs);
  const samplePrompt = useSamplePrompt();
  const setInputs = useAppStore((s) => s.setInspectInputs);
  const run = useAppStore((s) => s.runInspect);
  const setError = useAppStore((s) => s.setInspectError);
  const id = useId();
  const clean = inputs.patchClean ?? samplePrompt;
  const { patchCorrupt: corrupt, patchTarget: target } = inputs;
  const go = () => {
    const missing = !clean ? 'clean' : !corrupt ? 'corrupt' : !target ? 'target' : null;
    if (missing) {
      const what = { clean: 'a clean prompt', corrupt: 'a corrupted prompt (the clean one with a part changed)', target: 'the target token' }[missing];
      setError('patch', { field: missing, message: `Type ${what}.` });
      return;
    }
    void run({ kind: 'patch', clean, corrupt, target: typedToken(target) });
  };
  const invalid = (f: string) => view.error?.field === f || view.error?.field === 'inputs';
  const report = view.result;
  return (
    <>
      <div className="inspect-inputs inspect-patch-inputs" role="group" aria-label="Patching inputs">
        <div>
          <PromptArea label="Clean prompt" value={clean} onChange={(v) => setInputs({ patchClean: v })} onRun={go} invalid={invalid('clean')} testId="patch-clean" />
          <ViewError error={view.error} field="clean" testId="patch-error-clean" />
        </div>
        <div>
          <PromptArea
            label="Corrupted prompt"
            value={corrupt}
            onChange={(v) => setInputs({ patchCorrupt: v })}
            onRun={go}
            invalid={invalid('corrupt')}
            hint="The clean prompt with a part changed, as many tokens long."
            testId="patch-corrupt"
          />
          {clean && corrupt !== clean && (
            <button
              type="button"
              className="inspect-copy-clean secondary"
              data-testid="patch-copy-clean"
              onClick={(e) => {
                setInputs({ patchCorrupt: clean });
                // Straight to the field, to change a part of it.
                e.currentTarget.closest('div')?.querySelector('textarea')?.focus();
              }}
            >
              Copy the clean prompt here
            </button>
          )}
          <ViewError error={view.error} field="corrupt" testId="patch-error-corrupt" />
        </div>
        <div className="field">
          <label htmlFor={`${id}-target`}>Target token</label>
          <input
            id={`${id}-target`}
            type="text"
            className="inspect-text-input"
            value={target}
            spellCheck={false}
            aria-invalid={invalid('target') ? true : undefined}
            aria-describedby={`${id}-target-hint`}
            data-testid="patch-target"
            onChange={(e) => setInputs({ patchTarget: e.currentTarget.value })}
            onKeyDown={(e) => {
              if (e.key === 'Enter') go();
            }}
          />
          <small className="muted" id={`${id}-target-hint`}>
            The next token the clean prompt should lead to; type ↵ for a newline, ␣ for a space.
          </small>
          <ViewError error={view.error} field="target" testId="patch-error-target" />
        </div>
      </div>
      <ViewError error={view.error} field="inputs" testId="patch-error" />
      <div className="inspect-actions">
        <RunButton busy={view.busy} onClick={go} testId="patch-run">
          Run
        </RunButton>
      </div>
      <p className="inspect-summary" aria-live="polite" data-testid="patch-summary">
        {report ? `p(“${report.target}”) is ${formatProb(report.cleanP)} after the clean prompt and ${formatProb(report.corruptP)} after the corrupted one.` : ''}
      </p>
      {report && (
        <>
          <MeasuredNote view={view} />
          <PatchGrid report={report} />
        </>
      )}
    </>
  );
}

function PatchCell({ p, report, name }: { p: number; report: PatchReport; name: string }) {
  const t = restoredFraction(p, report.corruptP, report.cleanP);
  return (
    <td className="inspect-patch-cell num" style={{ backgroundColor: divergingTint(t) }} title={`${name} patched: p = ${formatProb(p)}`} data-testid="patch-cell" data-value={p}>
      {formatProb(p)}
    </td>
  );
}

function PatchGrid({ report }: { report: PatchReport }) {
  const L = report.sublayers.length;
  const NH = L > 0 ? report.heads.length / L : 0;
  return (
    <>
      <div className="inspect-legend inspect-patch-legend" role="img" aria-label={`Colour scale: red-orange where p is as low as after the corrupted prompt (${formatProb(report.corruptP)}), blue where it is back to the clean prompt's (${formatProb(report.cleanP)}).`}>
        <span aria-hidden="true">corrupt {formatProb(report.corruptP)}</span>
        <span className="inspect-legend-bar" style={{ backgroundImage: divergingGradient() }} aria-hidden="true" />
        <span aria-hidden="true">clean {formatProb(report.cleanP)}</span>
      </div>
      <div className="inspect-table-wrap">
        <table className="inspect-table inspect-patch-grid" data-testid="patch-grid">
          <caption className="visually-hidden">p(“{report.target}”) with each unit patched from the clean run into the corrupted one</caption>
          <thead>
            <tr>
              <th scope="col">Layer</th>
              {Array.from({ length: NH }, (_, h) => (
                <th key={h} scope="col">
                  H{h + 1}
                </th>
              ))}
              <th scope="col">
                <abbr title="The whole attention sublayer">Attn</abbr>
              </th>
              <th scope="col">
                <abbr title="The whole MLP sublayer">MLP</abbr>
              </th>
            </tr>
          </thead>
          <tbody>
            {report.sublayers.map((s, l) => (
              <tr key={s.layer}>
                <th scope="row">{s.layer + 1}</th>
                {Array.from({ length: NH }, (_, h) => (
                  <PatchCell key={h} p={report.heads[l * NH + h]} report={report} name={`L${s.layer + 1} H${h + 1}`} />
                ))}
                <PatchCell p={s.attn} report={report} name={`L${s.layer + 1} attention`} />
                <PatchCell p={s.mlp} report={report} name={`L${s.layer + 1} MLP`} />
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
