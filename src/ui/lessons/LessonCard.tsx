// One lesson: its title, what it explains, Start (one click sets everything up and runs it)
// or Stop, its progress while it runs, where to look, and what happened.
import { useSyncExternalStore } from 'react';
import { useStore } from 'zustand';
import type { Lesson } from '../../state/lessons/definitions';
import { cardOf, lessonStore, showLessonBar, startLesson, stopLesson } from '../../state/lessons/lesson-store';
import type { LessonCard as CardState, LessonProgress } from '../../state/lessons/runner';
import { metricsStore } from '../../state/metrics';
import { FieldError } from '../controls/controls';
import { progressAnnouncement, progressFraction, progressText, watchedInPlayground } from './progress';
import { TemperatureProbe } from './TemperatureProbe';

/** The last training step on the chart, read transiently (it changes every step). */
export function useChartStep(): number {
  return useSyncExternalStore(
    metricsStore.subscribe,
    () => metricsStore.getState().steps.at(-1)?.step ?? 0,
    () => 0,
  );
}

/** The progress line and bar; the line a screen reader hears changes only with the phase. */
export function LessonProgressView({ progress }: { progress: LessonProgress }) {
  const step = useChartStep();
  return (
    <div className="lesson-progress" data-testid="lesson-progress">
      <p className="lesson-progress-line" aria-hidden="true">
        {progressText(progress, step)}
      </p>
      <progress max={1} value={progressFraction(progress, step)} aria-label="Lesson progress" />
      <p className="visually-hidden" aria-live="polite">
        {progressAnnouncement(progress)}
      </p>
    </div>
  );
}

/** The texts a lesson wrote, side by side (stacked on a narrow screen); the prompt is set apart from what the model wrote. */
function Texts({ texts }: { texts: CardState['texts'] }) {
  if (texts.length === 0) return null;
  return (
    <div className={`lesson-texts lesson-texts-${Math.min(texts.length, 2)}`}>
      {texts.map((t) => (
        <figure key={t.name} className="lesson-text" data-testid="lesson-text">
          <figcaption>{t.name}</figcaption>
          <pre>
            <span className="lesson-text-prompt" title="The prompt">
              {t.prompt}
            </span>
            {t.text}
          </pre>
        </figure>
      ))}
    </div>
  );
}

/** DOM id of a lesson's card, which takes focus when the learner comes back to it. */
export const lessonCardId = (id: string): string => `lesson-card-${id}`;

interface Props {
  lesson: Lesson;
  /** Shows the Playground (when the layout has one to switch to). */
  onShowPlayground?: () => void;
}

export function LessonCard({ lesson, onShowPlayground }: Props) {
  const card = useStore(lessonStore, (s) => cardOf(s, lesson.id));
  const active = useStore(lessonStore, (s) => s.active);
  const stopping = useStore(lessonStore, (s) => s.stopping && s.active === lesson.id);
  const running = active === lesson.id;
  // Only the latest lesson's runs are in the playground: an earlier one's were replaced.
  const latest = useStore(lessonStore, (s) => s.latest === lesson.id);
  const inPlayground = watchedInPlayground(lesson);
  const titleId = `lesson-${lesson.id}-title`;
  const startLabel = card.status === 'idle' ? 'Start' : 'Run again';

  const start = () => {
    void startLesson(lesson.id);
    if (inPlayground) onShowPlayground?.();
  };

  return (
    <article id={lessonCardId(lesson.id)} tabIndex={-1} className={`lesson-card lesson-${card.status}`} aria-labelledby={titleId} data-testid={`lesson-${lesson.id}`} data-status={card.status}>
      <h3 id={titleId}>{lesson.title}</h3>
      <p className="lesson-about">{lesson.about}</p>
      <div className="lesson-actions">
        {running ? (
          <button type="button" onClick={() => void stopLesson()} disabled={stopping}>
            {stopping ? 'Stopping…' : 'Stop'}
          </button>
        ) : (
          <button
            type="button"
            onClick={start}
            disabled={active !== null}
            aria-label={`${startLabel}: ${lesson.title}`}
            title={active !== null ? 'Another lesson is running: stop it first.' : undefined}
          >
            {startLabel}
          </button>
        )}
        {inPlayground && onShowPlayground && latest && card.status !== 'idle' && (
          <button
            type="button"
            className="secondary"
            onClick={() => {
              showLessonBar();
              onShowPlayground();
            }}
          >
            Watch in the Playground
          </button>
        )}
      </div>
      {card.progress && <LessonProgressView progress={card.progress} />}
      {card.status !== 'idle' && (
        <p className="lesson-look">
          <strong>Where to look:</strong> {lesson.lookAt}
        </p>
      )}
      {card.probe && (
        <TemperatureProbe
          prompt={card.probe.prompt}
          note={lesson.show.kind === 'temperature' ? lesson.show.promptNote : null}
          logits={card.probe.logits}
          drawnLabel={card.probe.drawnLabel}
          labels={card.probe.labels}
        />
      )}
      <Texts texts={card.texts} />
      <div role="status" className="lesson-outcome" data-testid="lesson-outcome">
        {card.outcome && <p className="lesson-outcome-box">{card.outcome}</p>}
        {card.note && card.status !== 'running' && <p className="lesson-note muted">{card.note}</p>}
      </div>
      <FieldError message={card.error && `This lesson could not go on: ${card.error}`} testId="lesson-error" />
    </article>
  );
}
