// Logit lens: the residual stream read out through the final LayerNorm and the unembedding
// after every layer, at one position of a prompt: where in the stack the answer appears.
import type { LensReport } from '../../core/inspect';
import { formatProb } from '../sample/format';
import { MeasuredNote, PromptAtPosition, usePromptAtPosition, ViewSection } from './common';
import { probCellTint } from './scales';

export function LensView() {
  return (
    <ViewSection
      id="lens"
      title="Logit lens"
      intro="What the model would predict if it stopped early: the residual stream after the embeddings and after each layer, read out as next-token predictions at one position."
    >
      <LensBody />
    </ViewSection>
  );
}

function LensBody() {
  const { view, report, promptProps } = usePromptAtPosition('lens', 'lensPrompt', 'Type a prompt to read the predictions at.');

  return (
    <>
      <PromptAtPosition
        name="lens"
        {...promptProps}
        promptLabel="Lens prompt"
        chipsLabel="Position to read the predictions at"
      />
      <p className="inspect-summary" aria-live="polite">
        {report ? `Predictions after token ${report.position + 1}, “${report.tokens[report.position] ?? ''}”, at each depth of the model.` : ''}
      </p>
      {report && (
        <>
          <MeasuredNote view={view} />
          <LensGrid report={report} />
        </>
      )}
    </>
  );
}

const TOP = 5;

function LensGrid({ report }: { report: LensReport }) {
  return (
    <div className="inspect-table-wrap">
      <table className="inspect-table inspect-lens" data-testid="lens-grid">
        <caption className="visually-hidden">Top {TOP} predictions at each depth</caption>
        <thead>
          <tr>
            <th scope="col">Read after</th>
            {Array.from({ length: TOP }, (_, i) => (
              <th key={i} scope="col">
                {i + 1}
                <span className="visually-hidden"> most likely</span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {report.rows.map((row) => (
            <tr key={row.name} data-testid="lens-row">
              <th scope="row">{row.name}</th>
              {Array.from({ length: TOP }, (_, i) => {
                const p = row.top[i];
                return (
                  <td key={i} className="inspect-lens-cell" style={p ? { backgroundColor: probCellTint(p.p) } : undefined}>
                    {p && (
                      <>
                        <span className="inspect-lens-token">{p.label}</span> <span className="inspect-lens-p">{formatProb(p.p)}</span>
                      </>
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
