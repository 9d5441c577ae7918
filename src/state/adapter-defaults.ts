// The default run sized to the adapter the probe found. A software adapter (SwiftShader,
// llvmpipe: the GPU emulated on the CPU) trains the hardware default at about a second per
// step, which makes its run 15–25 minutes; there the default is a smaller model and run that
// finishes in about three minutes and still visibly learns the default text. Pure.
import type { AdapterReport, ModelChoice } from '../core/protocol';
import type { TrainSettings } from '../core/settings';

/** A default model and run, and the line that says what it was sized for (null: nothing to say). */
export interface RunDefaults {
  model: ModelChoice;
  train: TrainSettings;
  sizedFor: 'hardware' | 'software';
  note: string | null;
}

/** Adapters that run WebGPU on the CPU, by the names they report. */
const SOFTWARE_ADAPTERS: { pattern: RegExp; name: string }[] = [
  { pattern: /swiftshader/i, name: 'SwiftShader' },
  { pattern: /llvmpipe/i, name: 'llvmpipe' },
  { pattern: /lavapipe/i, name: 'lavapipe' },
  { pattern: /softpipe/i, name: 'softpipe' },
  { pattern: /microsoft basic render/i, name: 'WARP' },
];

/** The software renderer's name when the adapter is one (flagged as a fallback, or named as one); else null. */
export function softwareAdapterName(report: AdapterReport): string | null {
  const known = SOFTWARE_ADAPTERS.find((a) => a.pattern.test(report.description));
  if (known) return known.name;
  return report.isFallback ? 'fallback adapter' : null;
}

/**
 * The model of the software default: two layers as the hardware default, so that heads in the
 * second layer can build on the first, at half the width and half the context (a counting
 * line is at most 17 characters long).
 */
export const SOFTWARE_MODEL_CHANGES: Partial<ModelChoice> = { nLayer: 2, nHead: 4, nEmbd: 32, blockSize: 32 };

/** Its run: steps and batch for about three minutes on SwiftShader, evaluations as often. */
export const SOFTWARE_TRAIN_CHANGES: Partial<TrainSettings> = { batchSize: 16, blockSize: 32, maxSteps: 300, warmupSteps: 20, evalEvery: 50, evalIters: 5 };

/**
 * The defaults for an adapter, from the hardware ones: unchanged for a hardware GPU or while
 * none was found yet (null), the smaller run for a software one.
 */
export function defaultsForAdapter(report: AdapterReport | null, hardware: { model: ModelChoice; train: TrainSettings }): RunDefaults {
  const software = report ? softwareAdapterName(report) : null;
  if (software === null) return { ...hardware, sizedFor: 'hardware', note: null };
  const model = { ...hardware.model, ...SOFTWARE_MODEL_CHANGES };
  const train = { ...hardware.train, ...SOFTWARE_TRAIN_CHANGES, blockSize: model.blockSize };
  return {
    model,
    train,
    sizedFor: 'software',
    note: `Sized for a software GPU (${software}): about 3 min. A hardware GPU gets a larger default.`,
  };
}
