// The gallery of trained demos that ship with the app: one button per demo (its title, what
// to look at, its step and validation loss), the open one marked, and "Train your own" to
// start the same task afresh. The open demo's "what to look at" line stands above the list.
import { useEffect, useId } from 'react';
import { loadManifest, openDemo, trainYourOwn, useDemoStore, type DemoManifestEntry } from '../../state/demos';
import { useAppStore } from '../../state/store';
import './demos.css';

const formatLoss = (x: number) => x.toFixed(2);

function DemoCard({ demo, current, loadingStage, busy }: { demo: DemoManifestEntry; current: boolean; loadingStage: string | null; busy: boolean }) {
  const id = useId();
  return (
    <li className="demo-item">
      <button
        type="button"
        className={`demo-card${current ? ' is-current' : ''}${loadingStage ? ' is-loading' : ''}`}
        aria-current={current ? 'true' : undefined}
        aria-disabled={busy || undefined}
        aria-describedby={`${id}-look ${id}-meta`}
        title={demo.lookAt}
        data-testid={`demo-card-${demo.id}`}
        onClick={() => {
          if (!busy && !current) void openDemo(demo.id, { updateAddress: true });
        }}
      >
        <span className="demo-card-head">
          <span className="demo-card-title">{demo.title}</span>
          <span className="demo-card-meta" id={`${id}-meta`}>
            {loadingStage ? (
              `${loadingStage}…`
            ) : (
              <>
                step {demo.step.toLocaleString('en-US')} · val {formatLoss(demo.valLoss)}
                <span className="visually-hidden">{current ? ' (open now)' : ''}</span>
              </>
            )}
          </span>
        </span>
        <span className="demo-card-look" id={`${id}-look`}>
          {demo.lookAt}
        </span>
        {loadingStage && <span className="demo-card-progress" aria-hidden="true" />}
      </button>
    </li>
  );
}

export function DemoGallery() {
  const manifest = useDemoStore((s) => s.manifest);
  const manifestError = useDemoStore((s) => s.manifestError);
  const currentId = useDemoStore((s) => s.currentId);
  const loading = useDemoStore((s) => s.loading);
  const error = useDemoStore((s) => s.error);
  const notice = useDemoStore((s) => s.notice);
  const running = useAppStore((s) => s.trainState === 'running');
  const headingId = useId();

  useEffect(() => {
    loadManifest().catch(() => undefined); // a failure is shown from the store
  }, []);

  const current = manifest?.demos.find((d) => d.id === currentId) ?? null;
  const loadingTitle = loading ? (manifest?.demos.find((d) => d.id === loading.id)?.title ?? loading.id) : null;

  return (
    <section className="demo-gallery" aria-labelledby={headingId} data-testid="demo-gallery">
      <h2 id={headingId} className="demo-gallery-title">
        Trained demos
      </h2>
      {current && (
        <p className="demo-lookat" data-testid="demo-lookat">
          <span className="demo-lookat-label">Look at</span> {current.lookAt}
        </p>
      )}
      <p className="visually-hidden" role="status">
        {loading ? `Opening ${loadingTitle}: ${loading.stage.toLowerCase()}…` : current ? `${current.title} is open.` : ''}
      </p>
      {manifest && (
        <ul className="demo-list" aria-busy={loading !== null}>
          {manifest.demos.map((d) => (
            <DemoCard key={d.id} demo={d} current={d.id === currentId} loadingStage={loading?.id === d.id ? loading.stage : null} busy={loading !== null} />
          ))}
        </ul>
      )}
      {!manifest && !manifestError && <p className="muted demo-placeholder">Loading the demos…</p>}
      {manifestError && (
        <p role="alert" className="field-error" data-testid="demo-error">
          {manifestError} The playground works without them: pick a text and press Train.
        </p>
      )}
      {error && !manifestError && (
        <p role="alert" className="field-error" data-testid="demo-error">
          {error}
        </p>
      )}
      {current && (
        <div className="demo-own">
          <button
            type="button"
            className="secondary"
            aria-disabled={running || loading !== null || undefined}
            aria-describedby={`${headingId}-own`}
            data-testid="demo-train-own"
            onClick={() => {
              if (!running && !loading) void trainYourOwn();
            }}
          >
            Train your own
          </button>
          <span id={`${headingId}-own`} className="muted demo-own-hint">
            Same task and settings, new random weights.
          </span>
        </div>
      )}
      {notice && !current && (
        <p className="demo-notice" role="status" data-testid="demo-notice">
          {notice}
        </p>
      )}
    </section>
  );
}
