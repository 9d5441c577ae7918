// The list of trained demos that ship with the app (public/demos/index.json, written by
// `npm run demos`): which demos there are, the file each lives in, and what to look at in it.
// The app fetches it over the network, so it is validated like anything else that arrives
// from outside, and a bad one is refused with a message that names the problem.

export const DEMO_MANIFEST_FORMAT = 'gpt-playground/demo-manifest';
export const DEMO_MANIFEST_VERSION = 1;

export interface DemoManifestEntry {
  /** Also what `?demo=<id>` names. Lowercase letters, digits and dashes. */
  id: string;
  title: string;
  /** One line: what the trained model shows, e.g. which head does what. */
  lookAt: string;
  /** The file beside the manifest: `<id>.demo`, a share-link payload with int8 weights. */
  file: string;
  /** Training steps behind the weights. */
  step: number;
  /** Validation loss at the last evaluation. */
  valLoss: number;
  /** Size of the file. */
  bytes: number;
  /** The head `lookAt` speaks of (0-based), enlarged when the demo opens; absent when none. */
  head?: { layer: number; head: number };
}

export interface DemoManifest {
  format: typeof DEMO_MANIFEST_FORMAT;
  version: typeof DEMO_MANIFEST_VERSION;
  /** The demo a first visit opens. */
  defaultId: string;
  demos: DemoManifestEntry[];
}

export class InvalidDemoManifestError extends Error {
  override name = 'InvalidDemoManifestError';
}

const ID = /^[a-z0-9][a-z0-9-]{0,39}$/;
const MAX_DEMOS = 100;

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function text(o: Record<string, unknown>, key: string, where: string, max: number): string {
  const v = o[key];
  if (typeof v !== 'string' || v.trim() === '') throw new InvalidDemoManifestError(`${where}.${key} must be non-empty text`);
  if (v.length > max) throw new InvalidDemoManifestError(`${where}.${key} is longer than ${max} characters`);
  return v;
}

function count(o: Record<string, unknown>, key: string, where: string, min: number): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new InvalidDemoManifestError(`${where}.${key} must be a whole number ≥ ${min}`);
  return v;
}

function parseEntry(value: unknown, i: number): DemoManifestEntry {
  const where = `demos[${i}]`;
  if (!isObj(value)) throw new InvalidDemoManifestError(`${where} is not a demo entry`);
  const id = value.id;
  if (typeof id !== 'string' || !ID.test(id)) throw new InvalidDemoManifestError(`${where}.id must be lowercase letters, digits and dashes (at most 40)`);
  // Only a plain name beside the manifest: never a path or another site.
  const file = value.file;
  if (file !== `${id}.demo`) throw new InvalidDemoManifestError(`${where}.file must be "${id}.demo"`);
  const valLoss = value.valLoss;
  if (typeof valLoss !== 'number' || !Number.isFinite(valLoss) || valLoss < 0) throw new InvalidDemoManifestError(`${where}.valLoss must be a number ≥ 0`);
  const entry: DemoManifestEntry = {
    id,
    title: text(value, 'title', where, 100),
    lookAt: text(value, 'lookAt', where, 300),
    file,
    step: count(value, 'step', where, 0),
    valLoss,
    bytes: count(value, 'bytes', where, 1),
  };
  if (value.head !== undefined) {
    if (!isObj(value.head)) throw new InvalidDemoManifestError(`${where}.head must be {layer, head}`);
    entry.head = { layer: count(value.head, 'layer', `${where}.head`, 0), head: count(value.head, 'head', `${where}.head`, 0) };
  }
  return entry;
}

/** Validates an untrusted value as the demo manifest; throws InvalidDemoManifestError naming the bad field. */
export function parseDemoManifest(value: unknown): DemoManifest {
  if (!isObj(value)) throw new InvalidDemoManifestError('it is not a JSON object');
  if (value.format !== DEMO_MANIFEST_FORMAT) throw new InvalidDemoManifestError('it is not a GPT Playground demo list');
  if (value.version !== DEMO_MANIFEST_VERSION) throw new InvalidDemoManifestError(`its version ${String(value.version)} is not supported`);
  if (!Array.isArray(value.demos) || value.demos.length === 0) throw new InvalidDemoManifestError('it lists no demos');
  if (value.demos.length > MAX_DEMOS) throw new InvalidDemoManifestError(`it lists more than ${MAX_DEMOS} demos`);
  const demos = value.demos.map(parseEntry);
  const seen = new Set<string>();
  for (const d of demos) {
    if (seen.has(d.id)) throw new InvalidDemoManifestError(`the id "${d.id}" is listed twice`);
    seen.add(d.id);
  }
  const defaultId = value.defaultId;
  if (typeof defaultId !== 'string' || !seen.has(defaultId)) throw new InvalidDemoManifestError('defaultId must be the id of a listed demo');
  return { format: DEMO_MANIFEST_FORMAT, version: DEMO_MANIFEST_VERSION, defaultId, demos };
}
