// The run this tab saves into, and taking turns with other tabs: a saved run belongs to one
// tab at a time. The tab that has a run open holds its Web Lock (persist/run-locks.ts); a tab
// asked to open a run another tab holds opens nothing until the user chooses to open it
// read-only, take it over or fork a copy (persist-store's `conflict`). Saves name the
// revision they were based on, and a save the store refuses as stale goes to a copy, so no
// tab's work is ever written over or lost. Other tabs hear about saves, take-overs, deletes
// and renames on a BroadcastChannel (persist/run-news.ts).
import { RunLocks, type RunLock } from '../persist/run-locks';
import { RunNewsChannel, type RunNews } from '../persist/run-news';
import { StaleRunError, openRunStore, type LoadedRun, type RunStore, type RunSummary, type SavedRun } from '../persist/runs';
import { rememberTabRun, tabRunId } from '../persist/tab-memory';
import { bumpRunsVersion, usePersistStore, type ConflictChoice, type RunAccess } from './persist-store';
import { copyName, defaultRunName, newRunId, newTabId, nonFiniteWeights, showSavedRun, snapshotSession } from './run-snapshot';
import { useAppStore } from './store';

/** A saved run in the list, and whether another tab has it open now. */
export interface SavedRunRow extends RunSummary {
  openElsewhere: boolean;
}

/** How long a reloaded tab waits for its old page to let go of the run it had open. */
const RELOAD_GRACE_MS = 2000;
/** How long after a 'released' message the list is read again, for the lock to be gone. */
const RELEASE_SETTLE_MS = 1000;

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));
const noLongerSaved = () => new Error('That run is no longer saved.');

class RunSession {
  private store: Promise<RunStore> | null = null;
  private readonly tabId = newTabId();
  // Made on first use: navigator and BroadcastChannel exist only in the browser.
  private locks: RunLocks | null = null;
  private news: RunNewsChannel | null = null;
  /** The lock on the run this tab owns; none while read-only. */
  private held: RunLock | null = null;
  /** The revision the current run's content is based on: what its next save states. */
  private basedOn = 0;
  /** The current run's name, for a run not in the store yet (a copy) and for messages. */
  private runName: string | null = null;
  /** The run the next model build belongs to (set when a saved run is reopened). */
  private pendingRunId: string | null = null;
  /** Saves run one after another; a save not yet started is shared by everyone who asks. */
  private saveTail: Promise<void> = Promise.resolve();
  private queuedSave: Promise<void> | null = null;
  private restoreStarted = false;

  /** Runs the restore on load once per page, however often the app mounts (StrictMode mounts twice). */
  restoreOnce(restore: () => Promise<void>): void {
    if (this.restoreStarted) return;
    this.restoreStarted = true;
    void restore();
  }

  runs(): Promise<RunStore> {
    this.store ??= openRunStore().catch((e: unknown) => {
      this.store = null;
      throw e;
    });
    return this.store;
  }

  private lockManager(): RunLocks {
    return (this.locks ??= new RunLocks());
  }

  /** Listens to other tabs; returns the function that stops listening. */
  connect(): () => void {
    const news = (this.news ??= new RunNewsChannel(this.tabId));
    const stopNews = news.listen((n) => this.onNews(n));
    // The browser lets the lock go as the page unloads; say so, so that lists update at once.
    const onPageHide = () => this.held && news.post({ kind: 'released', runId: this.held.runId });
    addEventListener('pagehide', onPageHide);
    return () => {
      stopNews();
      removeEventListener('pagehide', onPageHide);
      news.close();
      this.news = null;
    };
  }

  private readonly onLost = (runId: string) => void this.lostRun(runId, 'taken-over');

  /** Makes `lock` this tab's one held lock, letting the previous run go. */
  private hold(lock: RunLock | null): void {
    const previous = this.held;
    this.held = lock;
    if (previous && previous !== lock) {
      void previous.release();
      this.news?.post({ kind: 'released', runId: previous.runId });
    }
    if (lock && lock !== previous) this.news?.post({ kind: 'opened', runId: lock.runId });
  }

  /** Switches this tab to a run not in the store yet (a new model, a copy), which it owns. */
  private async ownNewRun(id: string, name: string | null): Promise<void> {
    this.basedOn = 0;
    this.runName = name;
    usePersistStore.setState({ runId: id, access: 'owner', readOnlyName: null });
    // A fresh id: no other tab can hold it. Taken after the switch, so nothing waits on it.
    const lock = await this.lockManager().tryHold(id, this.onLost);
    if (usePersistStore.getState().runId === id) this.hold(lock);
    else void lock?.release();
  }

  /** A model was built: it belongs to the saved run being reopened, or it starts a new run. */
  onModelBuilt(): void {
    const reopened = this.pendingRunId;
    this.pendingRunId = null;
    if (reopened === null || reopened !== usePersistStore.getState().runId) void this.ownNewRun(newRunId(), null);
  }

  /** The next model build starts a new run (a checkpoint or a link was loaded). */
  forgetPendingRun(): void {
    this.pendingRunId = null;
  }

  /** Leaves the current run (saved first by the caller): what is shown next is no run until trained. */
  detach(): void {
    this.pendingRunId = null;
    this.hold(null);
    this.basedOn = 0;
    this.runName = null;
    usePersistStore.setState({ runId: null, access: 'owner', readOnlyName: null });
  }

  /** The run to reopen on load: this tab's own (after a reload), else the last one saved by any tab. */
  async runToRestore(): Promise<string | null> {
    const store = await this.runs();
    const own = tabRunId();
    if (own && (await store.list()).some((r) => r.id === own)) return own;
    return store.getLastActiveId();
  }

  async list(): Promise<SavedRunRow[]> {
    const [runs, held] = await Promise.all([(await this.runs()).list(), this.lockManager().heldRunIds().catch(() => new Set<string>())]);
    return runs.map((r) => ({ ...r, openElsewhere: held.has(r.id) && r.id !== this.held?.runId }));
  }

  /**
   * Opens a saved run: at once when no other tab has it, else asks (conflict) and opens
   * nothing yet. `origin` says where the question is shown.
   */
  async open(id: string, origin: 'restore' | 'open'): Promise<void> {
    if (usePersistStore.getState().conflict?.busy) return;
    await this.save(); // the session being left keeps its latest steps
    const store = await this.runs();
    const ownAfterReload = origin === 'restore' && id === tabRunId();
    const lock = this.held?.runId === id ? this.held : await this.lockManager().tryHold(id, this.onLost, ownAfterReload ? RELOAD_GRACE_MS : 0);
    if (!lock) {
      const summary = (await store.list()).find((r) => r.id === id);
      if (!summary) throw noLongerSaved();
      usePersistStore.setState({ conflict: { runId: id, name: summary.name, origin, busy: null, error: null } });
      return;
    }
    try {
      const run = await store.load(id);
      if (!run) throw noLongerSaved();
      await this.show(run, 'owner', lock);
    } catch (e) {
      if (lock !== this.held) void lock.release();
      throw e;
    }
  }

  /** Carries out the user's answer to a conflict (or drops the question: 'cancel'). */
  async resolveConflict(choice: ConflictChoice | 'cancel'): Promise<void> {
    const conflict = usePersistStore.getState().conflict;
    if (!conflict || conflict.busy) return;
    if (choice === 'cancel') {
      usePersistStore.setState({ conflict: null });
      return;
    }
    usePersistStore.setState({ conflict: { ...conflict, busy: choice, error: null } });
    try {
      await this.save();
      const store = await this.runs();
      if (choice === 'take-over') {
        // The other tab hears it twice: its lock is stolen, and the news says by whom and why.
        const lock = await this.lockManager().takeOver(conflict.runId, this.onLost);
        this.news?.post({ kind: 'taken-over', runId: conflict.runId });
        try {
          const run = await store.load(conflict.runId);
          if (!run) throw noLongerSaved();
          await this.show(run, 'owner', lock);
        } catch (e) {
          if (lock !== this.held) void lock.release();
          throw e;
        }
        return;
      }
      const run = await store.load(conflict.runId);
      if (!run) throw noLongerSaved();
      if (choice === 'read-only') {
        await this.show(run, 'read-only', null);
        return;
      }
      const copy = await this.saveCopy(run);
      await this.show(copy, 'owner', await this.lockManager().tryHold(copy.id, this.onLost));
    } catch (e) {
      const now = usePersistStore.getState().conflict;
      if (now?.runId === conflict.runId) usePersistStore.setState({ conflict: { ...now, busy: null, error: message(e) } });
    }
  }

  /** From a read-only run: take it over or fork it, as the conflict's choices do. */
  claimReadOnly(choice: 'take-over' | 'fork'): Promise<void> {
    const p = usePersistStore.getState();
    if (p.access !== 'read-only' || !p.runId || p.conflict?.busy) return Promise.resolve();
    usePersistStore.setState({ conflict: { runId: p.runId, name: p.readOnlyName ?? 'This run', origin: 'restore', busy: null, error: null } });
    return this.resolveConflict(choice);
  }

  /** Writes `run` as a new run, "Name (copy)", owned by no one yet; returns it as loaded. */
  private async saveCopy(run: SavedRun): Promise<LoadedRun> {
    const copy = { ...run, id: newRunId(), name: copyName(run.name), updatedAt: Date.now() };
    const revision = await (await this.runs()).save(copy, 0);
    this.news?.post({ kind: 'saved', runId: copy.id, revision });
    bumpRunsVersion();
    return { ...copy, revision };
  }

  /** Shows a loaded run as this tab's current one, owned (with its lock) or read-only. */
  private async show(run: LoadedRun, access: RunAccess, lock: RunLock | null): Promise<void> {
    showSavedRun(run);
    this.pendingRunId = run.id;
    this.basedOn = run.revision;
    this.runName = run.name;
    this.hold(lock);
    usePersistStore.setState({ runId: run.id, access, readOnlyName: access === 'read-only' ? run.name : null, conflict: null, saveNotice: null });
    if (access === 'owner') {
      rememberTabRun(run.id);
      await (await this.runs()).setLastActiveId(run.id);
    }
    if (run.params) await useAppStore.getState().createModel();
  }

  /** Training a read-only run trains a copy of it: this tab owns the copy from now on. */
  async forkForTraining(): Promise<void> {
    const p = usePersistStore.getState();
    if (p.access !== 'read-only' || !p.runId) return;
    const name = p.readOnlyName ?? 'This run';
    const id = newRunId();
    if (this.pendingRunId === p.runId) this.pendingRunId = id;
    const copy = copyName(name);
    usePersistStore.setState({
      ownershipNotice: { kind: 'forked', text: `“${name}” is open in another tab, so training it here made a copy: this tab now trains and saves “${copy}”.` },
    });
    await this.ownNewRun(id, copy);
  }

  /** The current run was taken over or deleted by another tab: keep this tab's work under a new id. */
  private async lostRun(runId: string, why: 'taken-over' | 'deleted'): Promise<void> {
    if (this.held?.runId === runId) {
      void this.held.release(); // already gone when stolen; then this only stops us calling onLost twice
      this.held = null;
    }
    const p = usePersistStore.getState();
    if (p.runId !== runId || (p.access === 'read-only' && why === 'taken-over')) return;
    const name = this.runName ?? p.readOnlyName ?? 'This run';
    const id = newRunId();
    if (this.pendingRunId === runId) this.pendingRunId = id;
    if (why === 'deleted') {
      // Not saved at once: that would bring the run back in the tab that just deleted it.
      await this.ownNewRun(id, name);
      usePersistStore.setState({
        ownershipNotice: { kind: 'deleted', text: `“${name}” was deleted in another tab. This tab's work on it is kept: the next autosave stores it as a new run.` },
      });
      return;
    }
    const copy = copyName(name);
    await this.ownNewRun(id, copy);
    const hasModel = !!useAppStore.getState().modelReport;
    await this.save();
    usePersistStore.setState({
      ownershipNotice: {
        kind: 'taken-over',
        text: hasModel
          ? `“${name}” was taken over by another tab, so this tab stopped saving it. Nothing is lost: this tab's work, including changes since its last save, is kept in a copy, “${copy}”, which this tab saves from now on.`
          : `“${name}” was taken over by another tab, so this tab stopped saving it. This tab had no trained model of its own, so there was nothing to keep.`,
      },
    });
  }

  private onNews(news: RunNews): void {
    bumpRunsVersion(); // any news can change the list or which runs are open elsewhere
    // A closing tab says so just before the browser lets its lock go: look again a moment later.
    if (news.kind === 'released') setTimeout(bumpRunsVersion, RELEASE_SETTLE_MS);
    const conflict = usePersistStore.getState().conflict;
    if (news.kind === 'taken-over') void this.lostRun(news.runId, 'taken-over');
    if (news.kind === 'deleted') {
      if (conflict?.runId === news.runId && !conflict.busy) usePersistStore.setState({ conflict: null });
      void this.lostRun(news.runId, 'deleted');
    }
    if (news.kind === 'renamed' && usePersistStore.getState().runId === news.runId) {
      this.runName = news.name;
      if (usePersistStore.getState().access === 'read-only') usePersistStore.setState({ readOnlyName: news.name });
    }
  }

  async rename(id: string, name: string): Promise<void> {
    await (await this.runs()).rename(id, name);
    if (usePersistStore.getState().runId === id) this.runName = name;
    this.news?.post({ kind: 'renamed', runId: id, name });
    bumpRunsVersion();
  }

  async remove(id: string): Promise<void> {
    await (await this.runs()).remove(id);
    this.news?.post({ kind: 'deleted', runId: id });
    // Deleting the current run keeps autosave going, under a new id.
    if (usePersistStore.getState().runId === id) await this.ownNewRun(newRunId(), null);
    bumpRunsVersion();
  }

  /** Saves the current run (weights, Adam state, history, last sample) if this tab owns it. */
  save(): Promise<void> {
    // A save that has not started yet will read the latest state: join it.
    if (this.queuedSave) return this.queuedSave;
    const next = this.saveTail.then(() => {
      this.queuedSave = null;
      return this.saveOnce();
    });
    this.queuedSave = next;
    this.saveTail = next.catch(() => undefined);
    return next;
  }

  private async saveOnce(): Promise<void> {
    const p = usePersistStore.getState();
    if (!useAppStore.getState().modelReport || !p.runId || p.access !== 'owner') return;
    const id = p.runId;
    usePersistStore.setState({ saving: true });
    try {
      const store = await this.runs();
      const name = (await store.list()).find((r) => r.id === id)?.name ?? this.runName ?? defaultRunName();
      const run = await snapshotSession(id, name);
      // Taken over while the worker answered: a save queued behind this one writes the copy.
      if (usePersistStore.getState().runId !== id) return;
      const broken = nonFiniteWeights(run);
      if (broken) {
        usePersistStore.setState({ storageError: `Not saved: the model's ${broken} hold NaN or infinity (training diverged), so the last save, with usable weights, is kept.` });
        return;
      }
      try {
        this.saved(id, name, await store.save(run, this.basedOn));
      } catch (e) {
        if (!(e instanceof StaleRunError)) throw e;
        await this.saveStaleAsCopy(run, e);
      }
      usePersistStore.setState({ lastSavedAt: Date.now(), storageError: null });
      bumpRunsVersion();
    } catch (e) {
      usePersistStore.setState({ storageError: `Autosave failed: ${message(e)}` });
    } finally {
      usePersistStore.setState({ saving: false });
    }
  }

  private saved(id: string, name: string, revision: number): void {
    this.news?.post({ kind: 'saved', runId: id, revision });
    if (usePersistStore.getState().runId !== id) return;
    this.basedOn = revision;
    this.runName = name;
    rememberTabRun(id);
    void this.runs().then((s) => s.setLastActiveId(id)).catch(() => undefined);
  }

  /** Another tab saved (or deleted) the run since this tab's last save: this tab's state goes to a copy. */
  private async saveStaleAsCopy(run: SavedRun, stale: StaleRunError): Promise<void> {
    const copy = await this.saveCopy(run);
    if (usePersistStore.getState().runId === run.id) {
      await this.ownNewRun(copy.id, copy.name);
      this.basedOn = copy.revision;
      rememberTabRun(copy.id);
    }
    const when = stale.storedAt === null ? '' : ` at ${new Date(stale.storedAt).toLocaleTimeString('en')}`;
    usePersistStore.setState({
      saveNotice:
        stale.stored === null
          ? `“${run.name}” was deleted in another tab, so this tab's changes were saved as a new run, “${copy.name}”.`
          : `Another tab saved “${run.name}”${when}, after this tab last saved it, so this tab's changes were not written over it: they were saved as a copy, “${copy.name}”.`,
    });
  }
}

/** This page's one session: it lives as long as the page. */
export const runSession = new RunSession();
