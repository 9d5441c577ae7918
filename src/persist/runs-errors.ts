// What can go wrong with browser storage, as errors a user can act on. IndexedDB reports
// problems as DOMExceptions with terse names, thrown synchronously by some calls, delivered
// on a request's `error` or a transaction's `error` by others; mapStorageError turns any of
// them into one of ours, and is exported so the mapping can be tested directly.
import { formatBytes } from '../core/format';

/** IndexedDB cannot be used at all: missing, disabled, private browsing, or blocked by another tab. */
export class StorageUnavailableError extends Error {
  override name = 'StorageUnavailableError';
  constructor(readonly detail: string) {
    super(
      `Saved runs are not available: this browser is not letting GPT Playground keep data (${detail}). ` +
        'Private browsing or blocked site data can cause this. You can still train, but runs will not be kept after the tab closes.',
    );
  }
}

/** A write did not fit the browser's storage quota. */
export class StorageQuotaError extends Error {
  override name = 'StorageQuotaError';
  constructor(readonly bytes: number | undefined) {
    super(
      `Not enough storage space to save this run${bytes === undefined ? '' : ` (it needs about ${formatBytes(bytes)})`}. ` +
        'Delete old saved runs to make room, then save again.',
    );
  }
}

/** A stored record is not what this version wrote (a damaged database or an incompatible older format). */
export class CorruptRunError extends Error {
  override name = 'CorruptRunError';
}

/**
 * A save was refused because it was based on an older revision than the stored one: another
 * tab (or an older build that does not take turns) saved the run in between. Nothing was
 * written; the caller decides where its changes go instead (the app saves them as a copy).
 */
export class StaleRunError extends Error {
  override name = 'StaleRunError';
  constructor(
    readonly runId: string,
    /** The revision the refused save was based on. */
    readonly basedOn: number,
    /** The stored revision, or null when the run was deleted since. */
    readonly stored: number | null,
    /** When the stored revision was saved (its updatedAt), or null when the run was deleted. */
    readonly storedAt: number | null,
  ) {
    super(
      stored === null
        ? `The saved run was deleted after this tab last saved it (revision ${basedOn}), so this save was refused.`
        : `Another tab saved this run (revision ${stored}) after the revision this save was based on (${basedOn}), so this save was refused.`,
    );
  }
}

const errorName = (e: unknown): string => (e && typeof e === 'object' && 'name' in e ? String((e as { name: unknown }).name) : '');

/** True for every way browsers have spelled "storage full". */
export function isQuotaError(e: unknown): boolean {
  const name = errorName(e);
  // code 22 is the legacy QUOTA_EXCEEDED_ERR; old Firefox used its own name.
  return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED' || (e instanceof DOMException && e.code === 22);
}

// InvalidStateError: the connection was closed (another tab upgraded the database, or Firefox's
// old private mode). SecurityError / NotAllowedError: storage is blocked for this origin.
// UnknownError: Chromium's word for a broken or inaccessible database directory.
const UNAVAILABLE = new Set(['InvalidStateError', 'SecurityError', 'NotAllowedError', 'UnknownError']);

/**
 * Maps an IndexedDB failure to StorageQuotaError (with the size of what was being written),
 * StorageUnavailableError, or leaves it as it is (always returning an Error).
 */
export function mapStorageError(e: unknown, ctx: { bytes?: number } = {}): Error {
  if (e instanceof StorageQuotaError || e instanceof StorageUnavailableError || e instanceof CorruptRunError || e instanceof StaleRunError) return e;
  if (isQuotaError(e)) return new StorageQuotaError(ctx.bytes);
  if (UNAVAILABLE.has(errorName(e))) return new StorageUnavailableError(e instanceof Error ? `${errorName(e)}: ${e.message}` : errorName(e));
  return e instanceof Error ? e : new Error(String(e));
}
