// The note that the model on screen is not the whole model: which units are switched off,
// and the button that puts them all back. Shown in the Head ablation view and beside the
// Playground's next-token bars, whose numbers it explains.
import { ablatedList } from '../../state/ablation-list';
import { useAppStore } from '../../state/store';

export function AblationNote({ where }: { where: 'inspect' | 'playground' }) {
  const units = useAppStore((s) => s.ablations);
  const mode = useAppStore((s) => s.ablationMode);
  const busy = useAppStore((s) => s.ablationBusy);
  const restoreAll = useAppStore((s) => s.restoreAll);
  const how = mode === 'zero' ? 'their output zeroed' : 'their output set to its mean';
  // The live region stays in the page so that the note's arrival is announced.
  return (
    <div className={`ablation-note-slot ablation-note-${where}`} aria-live="polite">
      {units.length > 0 && (
        <div className="ablation-note" data-testid={`ablation-note-${where}`} title={where === 'playground' ? `${how}. Inspect › Head ablation switches units off and on.` : undefined}>
          <span>
            <strong>Ablated:</strong> <span data-testid="ablated-units">{ablatedList(units)}</span>
            {where === 'inspect' && <span className="muted"> ({how})</span>}
            {busy && <span className="muted"> · applying…</span>}
          </span>
          <button type="button" className="secondary" onClick={() => void restoreAll()} data-testid={`restore-all-${where}`}>
            Restore all
          </button>
        </div>
      )}
    </div>
  );
}
