import { useEffect } from 'react';
import { connectEngineEvents, useAppStore } from '../state/store';
import { startPersistence, usePersistStore } from '../state/persist';
import { GpuAlerts } from './gpu/GpuAlerts';
import { GpuStatusLine } from './gpu/GpuStatusLine';
import { SharePanel } from './share/SharePanel';
import { RunOwnershipBanner } from './share/RunElsewhere';
import { LessonBar, LESSON_BAR_ID } from './lessons/LessonBar';
import { lessonCardId } from './lessons/LessonCard';
import { LessonsPanel } from './lessons/LessonsPanel';
import { InspectPage } from './inspect/InspectPage';
import { DevicePage } from './layout/DevicePage';
import { useChoice } from './layout/hooks';
import { Playground } from './layout/Playground';
import { TabBar, TabPanel, type TabSpec } from './layout/Tabs';

type Section = 'playground' | 'lessons' | 'inspect' | 'share' | 'device';
const SECTIONS: readonly TabSpec<Section>[] = [
  { id: 'playground', label: 'Playground' },
  { id: 'lessons', label: 'Lessons' },
  { id: 'inspect', label: 'Inspect' },
  { id: 'share', label: 'Keep & share' },
  { id: 'device', label: 'Device' },
];
const SECTION_IDS = SECTIONS.map((s) => s.id);

export function App() {
  const probeGpu = useAppStore((s) => s.probeGpu);
  const [section, setSection] = useChoice<Section>('tab', SECTION_IDS, 'playground');

  useEffect(() => {
    const off = connectEngineEvents();
    void probeGpu();
    const stopPersistence = startPersistence();
    return () => {
      off();
      stopPersistence();
    };
  }, [probeGpu]);

  return (
    <div className={`app app-on-${section}`}>
      <header className="app-header">
        <div className="app-title">
          <h1>GPT Playground</h1>
          <p className="tagline">Train a small GPT on your own GPU, in the browser, and watch it learn.</p>
        </div>
        <GpuStatusLine />
      </header>
      <main className="app-main">
        {/* What needs an answer or says something broke comes first, above every tab. */}
        <div className="app-banners">
          <LinkBanner />
          <RunOwnershipBanner />
          <GpuAlerts onRetry={() => void probeGpu()} />
        </div>
        <TabBar label="Sections" prefix="section" tabs={SECTIONS} selected={section} onSelect={setSection} className="section-tabs" />
        <TabPanel prefix="section" id="playground" selected={section === 'playground'} className="section-panel section-playground">
          <LessonBar onShowLessons={(id) => showLesson(setSection, id)} />
          <Playground />
        </TabPanel>
        <TabPanel prefix="section" id="lessons" selected={section === 'lessons'} className="section-panel">
          <div className="lessons-slot">
            <LessonsPanel onShowPlayground={() => showPlayground(setSection)} />
          </div>
        </TabPanel>
        <TabPanel prefix="section" id="inspect" selected={section === 'inspect'} className="section-panel">
          <InspectPage />
        </TabPanel>
        <TabPanel prefix="section" id="share" selected={section === 'share'} className="section-panel">
          <SharePanel />
        </TabPanel>
        <TabPanel prefix="section" id="device" selected={section === 'device'} className="section-panel">
          <DevicePage />
        </TabPanel>
      </main>
    </div>
  );
}

/** Switches to the Playground for a lesson watched there, and puts focus on its lesson bar. */
function showPlayground(setSection: (s: Section) => void): void {
  setSection('playground');
  requestAnimationFrame(() => document.getElementById(LESSON_BAR_ID)?.focus());
}

/** Back to a lesson's card from the Playground. */
function showLesson(setSection: (s: Section) => void, id: string): void {
  setSection('lessons');
  requestAnimationFrame(() => document.getElementById(lessonCardId(id))?.focus());
}

/** A shared link that could not be opened: what was wrong (its content is never run). */
function LinkBanner() {
  const linkError = usePersistStore((s) => s.linkError);
  if (!linkError) return null;
  return (
    <div role="alert" className="field-error" data-testid="link-error">
      <strong>This link could not be opened.</strong> {linkError}
    </div>
  );
}
