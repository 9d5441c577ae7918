// The Playground tab, laid out as an instrument. On a wide screen the settings (Data, Model,
// Hyperparameters) are drawers in a side column, and Training (controls, stats, loss chart),
// Sample and Attention share the rest of the screen, all in view at once. On a narrow one, a
// tab bar shows one area at a time: Training, Sample, Attention or Settings.
import { useCallback, useState, type ReactNode } from 'react';
import { findCorpus } from '../../corpora';
import { useAppStore } from '../../state/store';
import { AttentionPanel } from '../attention/AttentionPanel';
import { DataPanel } from '../data/DataPanel';
import { DemoGallery } from '../demos/DemoGallery';
import { ModelPanel } from '../model/ModelPanel';
import { SamplePanel } from '../sample/SamplePanel';
import { AutosaveStatus } from '../share/AutosaveStatus';
import { TrainDraftProvider } from '../train/TrainDraft';
import { TrainPanel } from '../train/TrainPanel';
import { TrainSettings } from '../train/TrainSettings';
import { Drawer } from './Drawer';
import { useChoice, useFlags, useMediaQuery } from './hooks';
import { dataSummary, modelSummary, trainSummary } from './summaries';
import { panelDomId, tabDomId, TabBar, type TabSpec } from './Tabs';
import './layout.css';

/** Below this width the areas take turns (layout.css switches at the same width). */
export const NARROW_QUERY = '(max-width: 999.98px)';

type Area = 'training' | 'sample' | 'attention' | 'settings';
const AREAS: readonly TabSpec<Area>[] = [
  { id: 'training', label: 'Training' },
  { id: 'sample', label: 'Sample' },
  { id: 'attention', label: 'Attention' },
  { id: 'settings', label: 'Settings' },
];
const AREA_IDS = AREAS.map((a) => a.id);

type DrawerId = 'data' | 'model' | 'train';
/** The model's shape and the run's settings are what people change most; the text less. */
const DRAWERS_OPEN: Record<DrawerId, boolean> = { data: false, model: true, train: true };

function useDataTitle(): string {
  return useAppStore((s) => {
    if (s.source.kind === 'file') return s.source.name;
    if (s.source.kind === 'sample') return findCorpus(s.source.id)?.title ?? 'Your own text';
    return s.text.length ? 'Your own text' : 'No text yet';
  });
}

function SettingsDrawers({ onAlertChange }: { onAlertChange: (id: string, alerting: boolean) => void }) {
  const [open, setOpen] = useFlags('drawers', DRAWERS_OPEN);
  const title = useDataTitle();
  const tokenizer = useAppStore((s) => s.tokenizer);
  const model = useAppStore((s) => s.model);
  const train = useAppStore((s) => s.train);
  return (
    <aside className="pg-settings" aria-label="Settings">
      <Drawer id="data" title="Data" summary={dataSummary(title, tokenizer)} open={open.data} onOpenChange={(o) => setOpen('data', o)} onAlertChange={onAlertChange}>
        <DataPanel />
      </Drawer>
      <Drawer id="model" title="Model" summary={modelSummary(model)} open={open.model} onOpenChange={(o) => setOpen('model', o)} onAlertChange={onAlertChange}>
        <ModelPanel />
      </Drawer>
      <Drawer id="train" title="Hyperparameters" summary={trainSummary(train)} open={open.train} onOpenChange={(o) => setOpen('train', o)} onAlertChange={onAlertChange}>
        <TrainSettings />
      </Drawer>
    </aside>
  );
}

export function Playground() {
  const narrow = useMediaQuery(NARROW_QUERY);
  const [area, setArea] = useChoice<Area>('area', AREA_IDS, 'training');
  // Drawers holding an error: on a phone the Settings tab is marked, as its content is out of sight.
  const [alerts, setAlerts] = useState<ReadonlySet<string>>(() => new Set());
  const onAlertChange = useCallback(
    (id: string, alerting: boolean) =>
      setAlerts((prev) => {
        if (prev.has(id) === alerting) return prev;
        const next = new Set(prev);
        if (alerting) next.add(id);
        else next.delete(id);
        return next;
      }),
    [],
  );
  const tabs = AREAS.map((a) =>
    a.id === 'settings' && alerts.size > 0
      ? {
          ...a,
          badge: (
            <>
              <span className="tab-alert" aria-hidden="true">
                !
              </span>
              <span className="visually-hidden"> (needs a fix)</span>
            </>
          ),
        }
      : a,
  );

  // The same element on every width (so nothing remounts when the window crosses the line);
  // on a narrow one it is the tab panel of its area.
  const area$ = (id: Area, className: string, children: ReactNode) => (
    <div
      className={className}
      {...(narrow ? { role: 'tabpanel', id: panelDomId('area', id), 'aria-labelledby': tabDomId('area', id), hidden: area !== id } : {})}
    >
      {children}
    </div>
  );

  return (
    <TrainDraftProvider>
      <div className="playground">
        <div className="pg-demos">
          <DemoGallery />
        </div>
        {narrow && <TabBar label="Playground areas" prefix="area" tabs={tabs} selected={area} onSelect={setArea} className="area-tabs" />}
        {area$('settings', 'pg-side', <SettingsDrawers onAlertChange={onAlertChange} />)}
        <div className="pg-watch">
          {area$('training', 'pg-area pg-train', <TrainPanel status={<AutosaveStatus />} />)}
          {area$('sample', 'pg-area pg-sample', <SamplePanel />)}
          {area$('attention', 'pg-area pg-attention', <AttentionPanel />)}
        </div>
      </div>
    </TrainDraftProvider>
  );
}
