// The temperature lesson's instrument: a temperature slider (the Sample panel's own setting),
// the next-token bars after the lesson's prompt under it, and a line stating the top token's
// probability and the distribution's entropy, all re-computed from the kept logits as the
// slider moves.
import { useMemo } from 'react';
import { nextTokenDistribution } from '../../core/distribution';
import { temperatureSentence, temperatureShape, visible } from '../../state/lessons/outcomes';
import { useAppStore } from '../../state/store';
import { Slider } from '../controls/controls';
import { formatProb, formatTemperature, temperatureValueText, topCandidates } from '../sample/format';
import '../sample/sample.css';

const SHOWN = 8;
/** The slider's range: past 2 every small model's distribution is nearly flat. */
const MAX_TEMPERATURE = 2;

interface Props {
  prompt: string;
  /** What to expect after the prompt. */
  note: string | null;
  logits: Float32Array;
  /** The label of the token the model drew. */
  drawnLabel: string | null;
  /** Labels of the model's vocabulary, kept with the logits: the playground may hold another text since. */
  labels: readonly string[] | null;
}

export function TemperatureProbe({ prompt, note, logits, drawnLabel, labels }: Props) {
  const temperature = useAppStore((s) => s.sampling.temperature);
  const setSampling = useAppStore((s) => s.setSampling);
  const labelOf = (id: number) => (labels && labels.length === logits.length ? (labels[id] ?? `#${id}`) : `#${id}`);
  const t = Number.isFinite(temperature) ? Math.min(MAX_TEMPERATURE, Math.max(0, temperature)) : 1;
  const bars = useMemo(() => topCandidates(nextTokenDistribution(logits, { temperature: t, topK: 0, topP: 1, greedy: false }), SHOWN), [logits, t]);
  const shape = useMemo(() => temperatureShape(logits, t), [logits, t]);
  const line = temperatureSentence(shape, labels ? labelOf(shape.top) : (drawnLabel ?? `#${shape.top}`), t);

  return (
    <div className="lesson-probe" data-testid="lesson-probe">
      <p className="lesson-probe-prompt">
        Prompt: <code>{visible(prompt)}</code> <span className="muted">(↵ is a line break)</span>
      </p>
      {note && <p className="lesson-probe-note muted">{note}</p>}
      <Slider
        label="Temperature"
        value={t}
        min={0}
        max={MAX_TEMPERATURE}
        step={0.05}
        format={formatTemperature}
        valueText={temperatureValueText}
        onChange={(v) => setSampling({ temperature: v })}
        hint="The same setting as the Sample panel’s."
      />
      <ol className="sample-bars-list lesson-probe-bars" aria-label={`The ${SHOWN} likeliest next tokens`}>
        {bars.map((b) => (
          <li key={b.id} className="sample-bar" data-testid="lesson-prob-bar" data-value={b.p}>
            <span className="sample-bar-label">{labelOf(b.id)}</span>{' '}
            <span className="sample-bar-track" aria-hidden="true">
              {b.p > 0 && <span className="sample-bar-fill" style={{ width: `${Math.min(100, b.p * 100)}%` }} />}
            </span>
            <span className="sample-bar-pct">{formatProb(b.p)}</span>
          </li>
        ))}
      </ol>
      <p className="lesson-probe-line lesson-outcome-box" data-testid="lesson-probe-line" aria-live="polite">
        {line}
      </p>
    </div>
  );
}
