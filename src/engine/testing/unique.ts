// Names that must not collide between tests (IndexedDB databases, lock ids, broadcast
// channels): unique rather than random, so they are not test seeds and TEST_SEED (see
// seed.ts) leaves them alone.
let count = 0;

/** `${prefix}-…`, different on every call, in every test file and run. */
export function uniqueName(prefix: string): string {
  const rand = Math.floor(Math.random() * 36 ** 6).toString(36);
  return `${prefix}-${Date.now().toString(36)}-${(count++).toString(36)}-${rand}`;
}
