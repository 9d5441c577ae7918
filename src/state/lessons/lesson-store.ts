// The Lessons tab's state: each lesson's card (progress, outcome, error, the texts it wrote)
// and which lesson is running. One lesson runs at a time; Stop pauses its training and keeps
// what was done. A vanilla store, so that the runner works without React.
import { createStore, type StoreApi } from 'zustand/vanilla';
import { findLesson } from './definitions';
import { IDLE_CARD, runLesson, type LessonCard, type LessonDriver } from './runner';
import { storeDriver } from './store-driver';

export interface LessonsState {
  /** The lesson running now, or null. */
  active: string | null;
  /** Whether Stop was pressed for the active lesson. */
  stopping: boolean;
  /** The lesson started last: the playground holds its runs (until something else replaces them). */
  latest: string | null;
  /** The lesson whose progress and outcome the Playground's lesson bar shows (the latest), until dismissed. */
  shown: string | null;
  cards: Readonly<Record<string, LessonCard>>;
}

export const lessonStore: StoreApi<LessonsState> = createStore<LessonsState>()(() => ({ active: null, stopping: false, latest: null, shown: null, cards: {} }));

export const cardOf = (s: LessonsState, id: string): LessonCard => s.cards[id] ?? IDLE_CARD;

/** The most steps `?lessonSteps=` may ask for. */
const MAX_LESSON_STEPS = 10_000;

/**
 * Steps each lesson run is cut to, from the address: `?lessonSteps=12` makes every training
 * run of every lesson 12 steps long. A test and teaching aid (a lesson's outcome in seconds,
 * on any machine); read from the address given, absent or not a whole number ≥ 1: null.
 */
export function parseLessonSteps(search: string): number | null {
  const raw = new URLSearchParams(search).get('lessonSteps');
  if (raw === null || !/^\d+$/.test(raw)) return null;
  const n = Number(raw);
  return n >= 1 && n <= MAX_LESSON_STEPS ? n : null;
}

let addressSteps: number | null | undefined;
/** `?lessonSteps=` of the page's address, read once. */
function lessonSteps(): number | null {
  addressSteps ??= typeof location === 'undefined' ? null : parseLessonSteps(location.search);
  return addressSteps;
}

/**
 * Starts a lesson (one at a time: while another runs, nothing happens) and resolves when it
 * has ended: done, stopped or failed, as its card says.
 */
export async function startLesson(id: string, opts: { driver?: LessonDriver; steps?: number | null } = {}): Promise<void> {
  const lesson = findLesson(id);
  if (!lesson || lessonStore.getState().active) return;
  const driver = opts.driver ?? storeDriver;
  lessonStore.setState({ active: id, stopping: false, latest: id, shown: id });
  const update = (patch: Partial<LessonCard>) => {
    const s = lessonStore.getState();
    lessonStore.setState({ cards: { ...s.cards, [id]: { ...cardOf(s, id), ...patch } } });
  };
  try {
    await runLesson(lesson, driver, { update, stopped: () => lessonStore.getState().stopping, steps: opts.steps === undefined ? lessonSteps() : opts.steps });
  } finally {
    lessonStore.setState({ active: null, stopping: false });
  }
}

/** Stops the running lesson: its training pauses where it is, and what was done stays. */
export async function stopLesson(opts: { driver?: LessonDriver } = {}): Promise<void> {
  if (!lessonStore.getState().active) return;
  lessonStore.setState({ stopping: true });
  await (opts.driver ?? storeDriver).halt();
}

/** Puts the latest lesson's bar back above the Playground (after it was closed). */
export function showLessonBar(): void {
  lessonStore.setState({ shown: lessonStore.getState().latest });
}

/** Takes the lesson bar off the Playground (the lesson's card keeps its outcome). */
export function dismissLessonBar(): void {
  lessonStore.setState({ shown: null });
}
