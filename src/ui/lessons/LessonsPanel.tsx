// The Lessons tab: guided experiments on the ideas of the GPT architecture, each set up and
// run with one click, explained in a few sentences, with its outcome stated on its card.
import { LESSONS } from '../../state/lessons/definitions';
import { LessonCard } from './LessonCard';
import './lessons.css';

interface Props {
  /** Switches the page to the Playground, where the chart and the heatmaps are. */
  onShowPlayground?: () => void;
}

export function LessonsPanel({ onShowPlayground }: Props) {
  return (
    <section className="panel lessons" aria-labelledby="lessons-title" data-testid="panel-lessons">
      <h2 id="lessons-title">Lessons</h2>
      <p className="lessons-intro muted">
        Small experiments on the ideas behind a GPT. Each one sets up the playground, trains what it needs (a minute or two on a software GPU, seconds on a real one) and says what happened. Your
        current run is saved first, so nothing is lost.
      </p>
      <div className="lessons-list">
        {LESSONS.map((l) => (
          <LessonCard key={l.id} lesson={l} onShowPlayground={onShowPlayground} />
        ))}
      </div>
    </section>
  );
}
