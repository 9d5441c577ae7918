// The share link's binary envelope, the part that lets a decoder say *why* a link is bad
// before it looks at the contents:
//
//   offset  size  field
//   0       4     magic "GPTP"                   → not one of our links
//   4       1     format version (1)             → made by another version of the app
//   5       1     flags (bit 0: weights follow)
//   6       4     payload length, u32 LE         → shorter: cut off when copied
//   10      4     CRC-32 of bytes 0..9 + payload → altered after it was made
//   14      …     payload: deflate-raw of the contents (see share.ts)
//
// The length field tells a truncated link (the common accident: a chat app or an address bar
// cutting a long URL) from a corrupted one, which a checksum alone cannot. The CRC also covers
// the header, so a flipped flags byte cannot make a decoder misread the contents.
import { crc32 } from './share-bytes';

export const SHARE_MAGIC = 'GPTP';
export const SHARE_FORMAT_VERSION = 1;
export const FLAG_WEIGHTS = 1;
const KNOWN_FLAGS = FLAG_WEIGHTS;
export const HEADER_BYTES = 14;

export type ShareLinkProblem = 'not-a-link' | 'incomplete' | 'corrupted' | 'version' | 'too-large' | 'invalid-demo' | 'invalid-weights';

/** A share link that cannot be opened; `message` is written for the person who pasted it. */
export class InvalidShareLinkError extends Error {
  override name = 'InvalidShareLinkError';
  constructor(
    readonly problem: ShareLinkProblem,
    message: string,
  ) {
    super(message);
  }
}

export const MESSAGES = {
  notALink: 'This is not a GPT Playground link.',
  incomplete: 'The link is incomplete — it may have been cut off when copied.',
  corrupted: 'The link is damaged: its checksum does not match, so it was changed after it was made.',
  version: (v: number) =>
    `This link was made by a different version of GPT Playground (link format ${v}; this version reads format ${SHARE_FORMAT_VERSION}).`,
  newerFlags: 'This link uses features of a newer version of GPT Playground.',
} as const;

const MAGIC_BYTES = new TextEncoder().encode(SHARE_MAGIC);

/** Wraps an already-compressed payload in the header. `version` is a parameter for tests. */
export function sealEnvelope(compressed: Uint8Array, flags: number, version = SHARE_FORMAT_VERSION): Uint8Array {
  const out = new Uint8Array(HEADER_BYTES + compressed.length);
  const view = new DataView(out.buffer);
  out.set(MAGIC_BYTES, 0);
  out[4] = version;
  out[5] = flags;
  view.setUint32(6, compressed.length, true);
  out.set(compressed, HEADER_BYTES);
  view.setUint32(10, envelopeCrc(out), true);
  return out;
}

function envelopeCrc(envelope: Uint8Array): number {
  return crc32(envelope.subarray(HEADER_BYTES), crc32(envelope.subarray(0, 10)));
}

/**
 * Checks the header and the checksum, in the order that gives the most useful message, and
 * returns the flags and the still-compressed payload.
 */
export function openEnvelope(bytes: Uint8Array): { flags: number; compressed: Uint8Array } {
  // A prefix of the magic is a link that was cut off very early, not a foreign one.
  const magicSeen = Math.min(bytes.length, MAGIC_BYTES.length);
  for (let i = 0; i < magicSeen; i++) {
    if (bytes[i] !== MAGIC_BYTES[i]) throw new InvalidShareLinkError('not-a-link', MESSAGES.notALink);
  }
  if (bytes.length < 5) throw new InvalidShareLinkError('incomplete', MESSAGES.incomplete);
  // The version is read before anything else so that a future format may change the rest.
  if (bytes[4] !== SHARE_FORMAT_VERSION) throw new InvalidShareLinkError('version', MESSAGES.version(bytes[4]));
  if (bytes.length < HEADER_BYTES) throw new InvalidShareLinkError('incomplete', MESSAGES.incomplete);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const declared = view.getUint32(6, true);
  const present = bytes.length - HEADER_BYTES;
  if (present < declared) throw new InvalidShareLinkError('incomplete', MESSAGES.incomplete);
  if (present > declared || view.getUint32(10, true) !== envelopeCrc(bytes)) {
    throw new InvalidShareLinkError('corrupted', MESSAGES.corrupted);
  }
  const flags = bytes[5];
  if (flags & ~KNOWN_FLAGS) throw new InvalidShareLinkError('version', MESSAGES.newerFlags);
  return { flags, compressed: bytes.subarray(HEADER_BYTES) };
}
