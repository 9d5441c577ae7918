// The token stream split 90/10 into train and validation, and random batches drawn from it
// with a seeded RNG: inputs tokens[i..i+T), targets tokens[i+1..i+T].
import type { Rng } from '../../core/rng';

export class CorpusTooShortError extends Error {
  override name = 'CorpusTooShortError';
}

export interface Split {
  train: Uint32Array;
  val: Uint32Array;
}

/** First 90% (by default) for training, the rest for validation. */
export function splitTokens(tokens: Uint32Array, blockSize: number, trainFraction = 0.9): Split {
  const n = tokens.length;
  const cut = Math.floor(n * trainFraction);
  const split = { train: tokens.subarray(0, cut), val: tokens.subarray(cut) };
  // Each split must hold at least one window of blockSize inputs plus the next-token target.
  const need = blockSize + 1;
  if (split.train.length < need || split.val.length < need) {
    let minTotal = 2 * need;
    while (Math.floor(minTotal * trainFraction) < need || minTotal - Math.floor(minTotal * trainFraction) < need) minTotal++;
    throw new CorpusTooShortError(
      `The text is ${n} tokens long; with block size ${blockSize} it needs at least ${minTotal} ` +
        `(so that the ${Math.round((1 - trainFraction) * 100)}% validation part holds ${need}). ` +
        `Add more text or choose a smaller block size.`,
    );
  }
  return split;
}

export interface Batch {
  inputs: Uint32Array; // (B, T)
  targets: Uint32Array; // (B, T)
}

/** A batch of B random windows of length T from `data`. */
export function sampleBatch(rng: Rng, data: Uint32Array, B: number, T: number, out?: Batch): Batch {
  const batch = out ?? { inputs: new Uint32Array(B * T), targets: new Uint32Array(B * T) };
  const maxStart = data.length - T - 1; // inclusive
  for (let b = 0; b < B; b++) {
    const start = rng.int(maxStart + 1);
    batch.inputs.set(data.subarray(start, start + T), b * T);
    batch.targets.set(data.subarray(start + 1, start + T + 1), b * T);
  }
  return batch;
}
