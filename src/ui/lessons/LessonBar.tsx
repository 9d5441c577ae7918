// The lesson being watched, above the Playground: its title, progress (or outcome), Stop, and
// the way back to its card, so that a learner watching the chart knows what it shows.
import { useStore } from 'zustand';
import { findLesson } from '../../state/lessons/definitions';
import { cardOf, dismissLessonBar, lessonStore, stopLesson } from '../../state/lessons/lesson-store';
import { LessonProgressView } from './LessonCard';
import './lessons.css';

/** Id of the bar, which takes focus when a lesson sends the learner to the Playground. */
export const LESSON_BAR_ID = 'lesson-bar';

/** `onShowLessons` switches the page to the Lessons tab and is given the lesson's id (its card can take focus). */
export function LessonBar({ onShowLessons }: { onShowLessons?: (lessonId: string) => void }) {
  const shown = useStore(lessonStore, (s) => s.shown);
  const card = useStore(lessonStore, (s) => (s.shown ? cardOf(s, s.shown) : null));
  const running = useStore(lessonStore, (s) => s.active !== null && s.active === s.shown);
  const stopping = useStore(lessonStore, (s) => s.stopping);
  const lesson = shown ? findLesson(shown) : undefined;
  if (!lesson || !card) return null;
  return (
    <section className="lesson-bar" id={LESSON_BAR_ID} tabIndex={-1} aria-labelledby="lesson-bar-title" data-testid="lesson-bar">
      <div className="lesson-bar-head">
        <h2 id="lesson-bar-title">
          <span className="muted">Lesson:</span> {lesson.title}
        </h2>
        {card.progress && <LessonProgressView progress={card.progress} />}
        <div className="lesson-bar-actions">
          {running && (
            <button type="button" onClick={() => void stopLesson()} disabled={stopping}>
              {stopping ? 'Stopping…' : 'Stop'}
            </button>
          )}
          {onShowLessons && (
            <button type="button" className="secondary" onClick={() => onShowLessons(lesson.id)}>
              Back to the lesson
            </button>
          )}
          {!running && (
            <button type="button" className="secondary lesson-bar-close" onClick={dismissLessonBar} aria-label="Close the lesson bar" title="Close">
              <span aria-hidden="true">×</span>
            </button>
          )}
        </div>
      </div>
      <div role="status" className="lesson-outcome" data-testid="lesson-bar-outcome">
        {card.outcome && <p className="lesson-outcome-box">{card.outcome}</p>}
      </div>
      {!card.outcome && (
        <p className="lesson-look">
          <strong>Where to look:</strong> {lesson.lookAt}
        </p>
      )}
      {card.error && (
        <p role="alert" className="field-error">
          This lesson could not go on: {card.error}
        </p>
      )}
    </section>
  );
}
