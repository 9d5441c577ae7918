// Generate and Stop, the status of the sample, and Escape to stop. A sample of 2,000 tokens
// takes a minute or more: it can be stopped at any token, and what it wrote is kept.
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type RefObject } from 'react';
import { useAppStore } from '../../state/store';
import { FieldError } from '../controls/controls';
import { buildErrorMessage } from './format';
import { useSamplingErrors } from './SamplingControls';

/**
 * Generate, plus the message runSample does not give: when the model cannot be built it only
 * sets the Data/Model panels' errors, so say it here too, next to the button that was pressed.
 */
export function useGenerate(): { generate: () => void; buildError: string | null } {
  const runSample = useAppStore((s) => s.runSample);
  const [buildError, setBuildError] = useState<string | null>(null);
  const generate = async () => {
    const before = useAppStore.getState();
    if (before.sampleBusy || before.modelBusy || before.dataBusy) return; // a build is already under way
    setBuildError(null);
    // runSample sets sampleBusy only once the model is built: if it never did, the build failed
    // (or a setting is out of range, which its own field already says).
    let started = false;
    const off = useAppStore.subscribe((s) => {
      if (s.sampleBusy) started = true;
    });
    try {
      await runSample();
    } finally {
      off();
    }
    const s = useAppStore.getState();
    if (!started && !s.sampleError && (s.dataError || s.modelError)) {
      setBuildError(buildErrorMessage(s.dataError ?? s.modelError?.message));
    }
  };
  return { generate: () => void generate(), buildError };
}

/**
 * Escape stops generating when focus is in the Sample panel or on no control in particular
 * (the page itself, after a click on text). A control elsewhere keeps its own Escape (a
 * chart's readout, an enlarged heatmap, a rename field), and so does an open dialog or menu.
 */
export function useEscapeStopsSample(panel: RefObject<HTMLElement | null>): void {
  const sampling = useAppStore((s) => s.sampleBusy);
  useEffect(() => {
    if (!sampling) return;
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented || e.isComposing) return;
      if (document.querySelector('dialog[open], [role="dialog"], [role="alertdialog"], [role="menu"]')) return;
      const focused = document.activeElement;
      const onNothing = !focused || focused === document.body || focused === document.documentElement;
      if (!onNothing && !panel.current?.contains(focused)) return;
      e.preventDefault();
      useAppStore.getState().stopSample();
    };
    // Bubbling, so that a control's own Escape handler (which prevents the default) runs first.
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [sampling, panel]);
}

/**
 * Keyboard focus follows the action: Generate is disabled while sampling, so focus on it
 * moves to Stop, and back to Generate when Stop goes away with the focus.
 */
function useFocusHandoff(sampling: boolean) {
  const generateRef = useRef<HTMLButtonElement>(null);
  const stopRef = useRef<HTMLButtonElement>(null);
  const stopLeftWithFocus = useRef(false);
  useEffect(() => {
    if (sampling && document.activeElement === generateRef.current) stopRef.current?.focus();
    if (!sampling && stopLeftWithFocus.current) generateRef.current?.focus();
    stopLeftWithFocus.current = false;
  }, [sampling]);
  // Stable, so that StopButton's cleanup runs when it leaves, not on every render.
  const onStopLeavesWithFocus = useCallback(() => {
    stopLeftWithFocus.current = true;
  }, []);
  return { generateRef, stopRef, onStopLeavesWithFocus };
}

function StopButton({ buttonRef, onStop, onLeaveWithFocus }: { buttonRef: RefObject<HTMLButtonElement | null>; onStop: () => void; onLeaveWithFocus: () => void }) {
  // A layout effect's cleanup runs before the button leaves the page: the last moment to see
  // whether it had the focus (browsers differ on whether removing it fires a blur).
  useLayoutEffect(() => {
    const button = buttonRef.current;
    return () => {
      if (button && document.activeElement === button) onLeaveWithFocus();
    };
  }, [buttonRef, onLeaveWithFocus]);
  return (
    <button
      ref={buttonRef}
      type="button"
      className="secondary sample-stop"
      onClick={onStop}
      aria-keyshortcuts="Escape"
      title="Stop generating, keeping what was written (Escape)"
      data-testid="sample-stop"
    >
      Stop <kbd aria-hidden="true">Esc</kbd>
    </button>
  );
}

function statusText(sampling: boolean, preparing: boolean, stopped: boolean, count: number, maxTokens: number): string {
  if (sampling) return `Generating… ${count} / ${maxTokens} tokens`;
  if (preparing) return 'Preparing the model…';
  if (count === 0) return '';
  return stopped ? `Stopped: ${count} tokens kept` : `${count} tokens`;
}

export function GenerateRow({ onGenerate, buildError }: { onGenerate: () => void; buildError: string | null }) {
  const sampling = useAppStore((s) => s.sampleBusy);
  // runSample first tokenizes and builds the model (if settings changed), which can take a
  // while: that counts as busy too, or a second click would start a second build.
  const preparing = useAppStore((s) => !s.sampleBusy && (s.modelBusy || s.dataBusy));
  const count = useAppStore((s) => s.sampleTokens.length);
  const maxTokens = useAppStore((s) => s.maxTokens);
  const stopped = useAppStore((s) => s.sampleStopped);
  const sampleError = useAppStore((s) => s.sampleError);
  const stopSample = useAppStore((s) => s.stopSample);
  const invalid = Object.keys(useSamplingErrors()).length > 0;
  const { generateRef, stopRef, onStopLeavesWithFocus } = useFocusHandoff(sampling);
  const busy = sampling || preparing;
  return (
    <>
      <div className="sample-actions">
        <button ref={generateRef} type="button" onClick={onGenerate} disabled={busy || invalid} aria-busy={busy}>
          Generate
        </button>
        {sampling && <StopButton buttonRef={stopRef} onStop={stopSample} onLeaveWithFocus={onStopLeavesWithFocus} />}
        <span className="sample-status" role="status" data-testid="sample-status" data-stopped={stopped && !sampling ? 'true' : undefined}>
          {busy && <span className="sample-spinner" aria-hidden="true" />}
          {statusText(sampling, preparing, stopped, count, maxTokens)}
        </span>
      </div>
      {invalid && !busy && (
        <p className="sample-blocked" data-testid="sample-blocked">
          Fix the settings marked above to generate.
        </p>
      )}
      <FieldError message={sampleError ?? buildError} testId="sample-error" />
    </>
  );
}
