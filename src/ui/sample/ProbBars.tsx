// The next-token distribution behind one streamed token, as horizontal bars. Computed in the
// page from the logits kept aside during sampling, under the sliders' current settings, so
// moving temperature, top-k or top-p re-shapes the bars at once without running the model.
import { useMemo } from 'react';
import { nextTokenDistribution, type SamplingSettings } from '../../core/distribution';
import { sampleLogits } from '../../state/slices/sample';
import { useAppStore } from '../../state/store';
import { countKept, formatProb, formatTemperature, formatTopK, formatTopP, safeLabel, topCandidates } from './format';
import { AblationNote } from '../inspect/AblationNote';
import './sample.css';

const SHOWN = 10;

interface Bar {
  id: number;
  p: number;
  label: string;
  drawn: boolean;
}

interface BarsView {
  bars: Bar[];
  /** The drawn token when it is not among the top bars (it may even be cut to 0 now). */
  drawnExtra: Bar | null;
  kept: number;
  vocab: number;
}

function buildView(logits: Float32Array, sampling: SamplingSettings, drawn: { token: number; label: string }, labels: readonly string[] | null): BarsView {
  const probs = nextTokenDistribution(logits, sampling);
  // Labels of another vocabulary (the text changed since the sample) would mislabel.
  const labelOf = labels && labels.length === logits.length ? (id: number) => labels[id] ?? `#${id}` : null;
  const label = (id: number) => (id === drawn.token ? drawn.label : safeLabel(labelOf, id));
  const bars = topCandidates(probs, SHOWN).map((c) => ({ id: c.id, p: c.p, label: label(c.id), drawn: c.id === drawn.token }));
  const drawnExtra = bars.some((b) => b.drawn) ? null : { id: drawn.token, p: probs[drawn.token] ?? 0, label: drawn.label, drawn: true };
  return { bars, drawnExtra, kept: countKept(probs), vocab: logits.length };
}

function settingsText(s: SamplingSettings): string {
  if (s.greedy) return 'Greedy: all probability on the most likely token.';
  if (s.temperature === 0) return 'Temperature 0 is greedy: all probability on the most likely token.';
  return `Temperature ${formatTemperature(s.temperature)}, top-k ${formatTopK(s.topK)}, top-p ${formatTopP(s.topP)}.`;
}

function BarRow({ bar }: { bar: Bar }) {
  const pct = formatProb(bar.p);
  return (
    <li
      className={bar.drawn ? 'sample-bar sample-bar-drawn' : 'sample-bar'}
      data-testid="prob-bar"
      data-value={bar.p}
      data-token={bar.id}
      data-drawn={bar.drawn ? 'true' : undefined}
      title={`${bar.label} ${pct}${bar.drawn ? ' (drawn)' : ''}`}
    >
      {/* The spaces between the cells make the row's text read "e 42.1%" (grid drops them visually). */}
      <span className="sample-bar-label">{bar.label}</span>{' '}
      <span className="sample-bar-track" aria-hidden="true">
        {bar.p > 0 && <span className="sample-bar-fill" style={{ width: `${Math.min(100, bar.p * 100)}%` }} />}
      </span>
      <span className="sample-bar-pct">{pct}</span>
      {bar.drawn && ' '}
      {bar.drawn && (
        <span className="sample-bar-mark">
          <span aria-hidden="true">◀</span> drawn
        </span>
      )}
    </li>
  );
}

export function ProbBars() {
  const selected = useAppStore((s) => s.selectedToken);
  const token = useAppStore((s) => s.sampleTokens[s.selectedToken]);
  const sampling = useAppStore((s) => s.sampling);
  // The worker labels every token of the vocabulary once, when the text is tokenized.
  const labels = useAppStore((s) => s.dataReport?.labels ?? null);

  // The store pushes the logits before the token, so a token in the store has its logits.
  const logits = token ? sampleLogits[selected] : undefined;
  const view = useMemo(
    () => (token && logits ? buildView(logits, sampling, token, labels) : null),
    [token, logits, sampling, labels],
  );

  // Every part keeps its room in every state (empty, few bars, drawn token outside the top
  // 10), so selecting tokens and moving sliders never shifts the page.
  return (
    <div className="sample-bars" data-testid="prob-bars">
      <h3 className="sample-subhead" id="sample-bars-title">
        Next-token probabilities
      </h3>
      <AblationNote where="playground" />
      <p className="sample-bars-caption">
        {view && token ? (
          <>
            Token {selected + 1}: drew <q className="sample-bars-q">{token.label}</q> · {view.kept} of {view.vocab} tokens in play
          </>
        ) : (
          '\u00a0'
        )}
      </p>
      {view ? (
        <ol className="sample-bars-list" aria-labelledby="sample-bars-title">
          {view.bars.map((b) => (
            <BarRow key={b.id} bar={b} />
          ))}
        </ol>
      ) : (
        <div className="sample-bars-list">
          <p className="sample-empty">Generate a sample, then click any token in it to see which tokens the model weighed at that point.</p>
        </div>
      )}
      <div className="sample-bars-extra">
        {view?.drawnExtra && (
          <ol className="sample-bars-list-extra" aria-label="The drawn token, outside the top 10">
            <BarRow bar={view.drawnExtra} />
          </ol>
        )}
      </div>
      <p className="sample-bars-settings muted">
        {settingsText(sampling)} {view ? (sampling.greedy ? 'Uncheck Greedy to see the whole distribution.' : 'Move the sliders to re-shape the bars.') : ''}
      </p>
    </div>
  );
}
