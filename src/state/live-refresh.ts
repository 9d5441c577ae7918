// When a live view (the sample, the attention maps) is redrawn while a model trains: by the
// wall clock, not every N steps, so that a slow adapter still shows progress every few seconds
// and a fast one is not asked for a redraw many times a second. Pure: times come in as numbers.

/** The shortest wait between the end of one redraw and the start of the next. */
export const LIVE_MIN_GAP_MS = 2_000;
/** The longest wait, for a redraw that was quick. */
export const LIVE_MAX_GAP_MS = 10_000;
/**
 * A redraw that took d ms is followed by a wait of COST_FACTOR·d (within the bounds above): a
 * slow redraw is spaced out so that training keeps most of the device.
 */
export const LIVE_COST_FACTOR = 4;

/** What the scheduler knows about one view. Times in ms on one monotonic clock. */
export interface LiveViewClock {
  /**
   * When the view last showed current weights: the end of its last redraw, or when training
   * started (the view then shows the weights training starts from). Null: never.
   */
  lastEnd: number | null;
  /** How long the last redraw took (0 when there was none). */
  lastDuration: number;
  /** A redraw of this view is under way, whoever asked for it. */
  inFlight: boolean;
  /** A redraw is owed as soon as the view is free: training stopped, the model changed. */
  pending: boolean;
}

export const idleViewClock = (): LiveViewClock => ({ lastEnd: null, lastDuration: 0, inFlight: false, pending: false });

/** The wait after a redraw that took `lastDuration` ms: clamp(COST_FACTOR·d, MIN, MAX). */
export function liveGap(lastDuration: number): number {
  const d = Number.isFinite(lastDuration) && lastDuration > 0 ? lastDuration : 0;
  return Math.min(LIVE_MAX_GAP_MS, Math.max(LIVE_MIN_GAP_MS, LIVE_COST_FACTOR * d));
}

/**
 * Whether to start a redraw of the view now. Never while one is in flight (requests do not
 * stack); at once when one is owed; while training, once the gap after the last one is over.
 */
export function liveRefreshDue(now: number, view: LiveViewClock, training: boolean): boolean {
  if (view.inFlight) return false;
  if (view.pending) return true;
  if (!training) return false;
  return view.lastEnd === null || now - view.lastEnd >= liveGap(view.lastDuration);
}

/** The view once a redraw started at `started` has ended at `ended`. */
export function afterRefresh(view: LiveViewClock, started: number, ended: number): LiveViewClock {
  return { ...view, inFlight: false, lastEnd: ended, lastDuration: Math.max(0, ended - started) };
}
