// Head ablation: switch heads (or a layer's whole attention or MLP) off and watch the sample,
// its next-token bars and the attention maps change; or measure the validation loss with each
// unit off alone, in a sortable table.
import { useId } from 'react';
import type { AblationMode, Unit } from '../../core/inspect';
import { unitName } from '../../core/inspect';
import { hasUnit } from '../../state/ablation-list';
import { useAppStore } from '../../state/store';
import { FieldError } from '../controls/controls';
import { AblationNote } from './AblationNote';
import { AblationTable, tableSummary } from './AblationTable';
import { MeasuredNote, RunButton, ViewError, ViewSection } from './common';

export function AblationView() {
  return (
    <ViewSection
      id="ablation"
      title="Head ablation"
      intro="Switch units off and see what breaks: the Playground’s sample, next-token bars and attention maps (and a measured surprisal) are drawn again with them off. Training is not affected."
    >
      <AblationBody />
    </ViewSection>
  );
}

const MODES: { value: AblationMode; label: string; hint: string }[] = [
  { value: 'zero', label: 'Zero', hint: 'its output replaced by zeros' },
  { value: 'mean', label: 'Mean', hint: 'its output replaced by its mean over validation text' },
];

/** A toggle's visible text: a head's number, or a sublayer's name (shortened on a phone). */
function unitLabel(unit: Unit) {
  if ('head' in unit) return `H${unit.head + 1}`;
  if (unit.part === 'mlp') return 'MLP';
  return (
    <>
      <span className="inspect-wide-only">Attention</span>
      <span className="inspect-narrow-only">Attn</span>
    </>
  );
}

function UnitToggle({ unit, units, onToggle }: { unit: Unit; units: readonly Unit[]; onToggle: (u: Unit) => void }) {
  const off = hasUnit(units, unit);
  const name = unitName(unit);
  return (
    <button
      type="button"
      className={`inspect-unit${'head' in unit ? '' : ' is-sublayer'}`}
      aria-pressed={off}
      aria-label={`Switch off ${name}`}
      title={off ? `${name} is off: press to switch it on` : `${name} is on: press to switch it off`}
      data-testid={`ablate-${name.replace(/\s+/g, '-')}`}
      onClick={() => onToggle(unit)}
    >
      {unitLabel(unit)}
      {off && <span className="inspect-unit-off">off</span>}
    </button>
  );
}

function AblationBody() {
  const config = useAppStore((s) => s.modelReport?.config);
  const units = useAppStore((s) => s.ablations);
  const mode = useAppStore((s) => s.ablationMode);
  const busy = useAppStore((s) => s.ablationBusy);
  const error = useAppStore((s) => s.ablationError);
  const toggle = useAppStore((s) => s.toggleAblation);
  const setMode = useAppStore((s) => s.setAblationMode);
  const table = useAppStore((s) => s.inspect.ablationTable);
  const run = useAppStore((s) => s.runInspect);
  const id = useId();
  if (!config) return null;
  const onToggle = (u: Unit) => void toggle(u);
  const layers = Array.from({ length: config.nLayer }, (_, l) => l);
  const heads = Array.from({ length: config.nHead }, (_, h) => h);

  return (
    <>
      <fieldset className="inspect-choice">
        <legend>Switched-off units are</legend>
        {MODES.map((m) => (
          <label key={m.value} title={m.hint}>
            <input type="radio" name={`${id}-mode`} checked={mode === m.value} onChange={() => void setMode(m.value)} />
            {m.label} <span className="muted">({m.hint})</span>
          </label>
        ))}
      </fieldset>
      <div className="inspect-table-wrap">
        <table className="inspect-unit-grid" data-testid="ablation-grid" aria-describedby={`${id}-grid-hint`}>
          <caption className="visually-hidden">Units to switch off, by layer</caption>
          <thead>
            <tr>
              <th scope="col">Layer</th>
              <th scope="col" colSpan={config.nHead}>
                Heads
              </th>
              <th scope="col" colSpan={2}>
                Sublayer
              </th>
            </tr>
          </thead>
          <tbody>
            {layers.map((l) => (
              <tr key={l}>
                <th scope="row">{l + 1}</th>
                {heads.map((h) => (
                  <td key={h}>
                    <UnitToggle unit={{ layer: l, head: h }} units={units} onToggle={onToggle} />
                  </td>
                ))}
                <td>
                  <UnitToggle unit={{ layer: l, part: 'attn' }} units={units} onToggle={onToggle} />
                </td>
                <td>
                  <UnitToggle unit={{ layer: l, part: 'mlp' }} units={units} onToggle={onToggle} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="inspect-hint muted" id={`${id}-grid-hint`}>
        A pressed unit is off. {busy ? 'Applying…' : ''}
      </p>
      <FieldError message={error} testId="ablation-error" />
      <AblationNote where="inspect" />
      <h3 className="inspect-subhead">Each unit off alone</h3>
      <p className="inspect-hint muted">The validation loss with one unit off at a time ({mode === 'zero' ? 'zeroed' : 'set to its mean'}); the units that matter most raise it most.</p>
      <div className="inspect-actions">
        <RunButton busy={table.busy} onClick={() => void run({ kind: 'ablationTable', mode })} testId="ablation-measure">
          Measure each head
        </RunButton>
      </div>
      <ViewError error={table.error} field="table" testId="ablation-table-error" />
      <p className="inspect-summary" aria-live="polite" data-testid="ablation-summary">
        {table.result ? tableSummary(table.result) : ''}
      </p>
      {table.result && (
        <>
          <MeasuredNote view={table} />
          <AblationTable report={table.result} />
        </>
      )}
    </>
  );
}
