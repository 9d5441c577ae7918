// The run this tab had open, in sessionStorage: it survives a reload of this tab but is not
// shared with other tabs, so a reload reopens this tab's own run rather than whichever run
// some other tab saved last (the store's "last active run", the fallback for a new tab).
const TAB_RUN_KEY = 'gpt-playground-tab-run';

function sessionStore(): Storage | null {
  try {
    return typeof sessionStorage === 'undefined' ? null : sessionStorage;
  } catch {
    return null; // storage blocked: reading sessionStorage itself throws a SecurityError
  }
}

export function tabRunId(storage: Storage | null = sessionStore()): string | null {
  try {
    return storage?.getItem(TAB_RUN_KEY) ?? null;
  } catch {
    return null;
  }
}

export function rememberTabRun(runId: string | null, storage: Storage | null = sessionStore()): void {
  try {
    if (runId === null) storage?.removeItem(TAB_RUN_KEY);
    else storage?.setItem(TAB_RUN_KEY, runId);
  } catch {
    // Not remembered: a reload falls back to the last active run.
  }
}
