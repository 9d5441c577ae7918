// The state of keeping runs, for the Keep & share panel and the banner at the top: which run
// this tab saves into and whether it may, the autosave's progress, and what to tell the user
// about other tabs (a run open elsewhere, a run taken over, a save refused as stale).
import { create } from 'zustand';

/** 'owner': this tab holds the run and autosaves it. 'read-only': another tab does; this one only shows it. */
export type RunAccess = 'owner' | 'read-only';

/** What the user can do about a run another tab has open. */
export type ConflictChoice = 'read-only' | 'take-over' | 'fork';

/**
 * A run this tab was asked to open while another tab holds it: nothing is opened until the
 * user chooses. `origin` says where to ask: at the top on a restore, in the list on Open.
 */
export interface RunConflict {
  runId: string;
  name: string;
  origin: 'restore' | 'open';
  /** The choice being carried out. */
  busy: ConflictChoice | null;
  error: string | null;
}

/** Something that happened to this tab's run because of another tab (shown at the top until dismissed). */
export interface OwnershipNotice {
  kind: 'taken-over' | 'deleted' | 'forked';
  text: string;
}

export interface PersistState {
  /** The run this tab's session is saved into (or shown from, when read-only). */
  runId: string | null;
  access: RunAccess;
  /** The run's name when this tab opened it read-only, for saying which run it is. */
  readOnlyName: string | null;
  lastSavedAt: number | null;
  saving: boolean;
  storageError: string | null;
  /** A save that went somewhere else than asked (stale: saved as a copy), next to the autosave status. */
  saveNotice: string | null;
  ownershipNotice: OwnershipNotice | null;
  conflict: RunConflict | null;
  linkError: string | null;
  /** Bumped whenever the list of saved runs changes (here or in another tab). */
  runsVersion: number;
}

export const usePersistStore = create<PersistState>()(() => ({
  runId: null,
  access: 'owner',
  readOnlyName: null,
  lastSavedAt: null,
  saving: false,
  storageError: null,
  saveNotice: null,
  ownershipNotice: null,
  conflict: null,
  linkError: null,
  runsVersion: 0,
}));

export const bumpRunsVersion = (): void => usePersistStore.setState((p) => ({ runsVersion: p.runsVersion + 1 }));
