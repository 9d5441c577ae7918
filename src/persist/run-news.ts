// News about saved runs between this origin's tabs, over a BroadcastChannel: a run was saved
// (at which revision), opened or let go, taken over, deleted or renamed. Other tabs refresh
// their list of runs on any news; the tab that had a run taken over or deleted stops saving
// it. Messages can come from other versions of the app, so they are checked before use.
export const RUN_NEWS_CHANNEL = 'gpt-playground-runs';

export type RunNews =
  | { kind: 'saved'; runId: string; revision: number }
  | { kind: 'opened'; runId: string }
  | { kind: 'released'; runId: string }
  | { kind: 'taken-over'; runId: string }
  | { kind: 'deleted'; runId: string }
  | { kind: 'renamed'; runId: string; name: string };

/** What travels: the news and the tab it came from. */
export interface RunNewsMessage {
  from: string;
  news: RunNews;
}

const KINDS = new Set<RunNews['kind']>(['saved', 'opened', 'released', 'taken-over', 'deleted', 'renamed']);

/** The message if it is well-formed news, else null (ignored). */
export function parseRunNews(data: unknown): RunNewsMessage | null {
  if (!data || typeof data !== 'object') return null;
  const { from, news } = data as { from?: unknown; news?: unknown };
  if (typeof from !== 'string' || !news || typeof news !== 'object') return null;
  const n = news as Record<string, unknown>;
  if (typeof n.kind !== 'string' || !KINDS.has(n.kind as RunNews['kind']) || typeof n.runId !== 'string' || n.runId === '') return null;
  if (n.kind === 'saved' && !(typeof n.revision === 'number' && Number.isInteger(n.revision) && n.revision > 0)) return null;
  if (n.kind === 'renamed' && typeof n.name !== 'string') return null;
  const runId = n.runId;
  switch (n.kind as RunNews['kind']) {
    case 'saved':
      return { from, news: { kind: 'saved', runId, revision: n.revision as number } };
    case 'renamed':
      return { from, news: { kind: 'renamed', runId, name: n.name as string } };
    default:
      return { from, news: { kind: n.kind as 'opened' | 'released' | 'taken-over' | 'deleted', runId } };
  }
}

/** This tab's end of the channel; a no-op where BroadcastChannel is missing. */
export class RunNewsChannel {
  private readonly channel: BroadcastChannel | null;

  constructor(
    /** Identifies this tab in what it sends, so that it can ignore its own news. */
    readonly tabId: string,
    name: string = RUN_NEWS_CHANNEL,
  ) {
    this.channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(name) : null;
  }

  post(news: RunNews): void {
    const message: RunNewsMessage = { from: this.tabId, news };
    try {
      this.channel?.postMessage(message);
    } catch {
      // Closed (the page is going away): other tabs learn from the lock and the store instead.
    }
  }

  /** Calls `handler` with each well-formed piece of news from another tab; returns the unsubscribe. */
  listen(handler: (news: RunNews, from: string) => void): () => void {
    const channel = this.channel;
    if (!channel) return () => undefined;
    const onMessage = (ev: MessageEvent) => {
      const msg = parseRunNews(ev.data);
      if (msg && msg.from !== this.tabId) handler(msg.news, msg.from);
    };
    channel.addEventListener('message', onMessage);
    return () => channel.removeEventListener('message', onMessage);
  }

  close(): void {
    this.channel?.close();
  }
}
