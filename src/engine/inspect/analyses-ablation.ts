// What each part of the model is for, measured by taking it away: the validation loss with
// one head or one sublayer off (zeroed, or replaced by its mean over validation text), and
// activation patching (one unit's output copied from a clean prompt's run into a corrupted
// prompt's run: how much of the clean answer it brings back).
import {
  SITES,
  unitName,
  type AblationMode,
  type AblationRow,
  type AblationTableReport,
  type PatchReport,
  type Unit,
} from '../../core/inspect';
import type { GPTConfig } from '../../core/config';
import { buildInterventions } from '../../core/inspect';
import type { InspectEngine } from './engine';
import { softmax } from './math';
import type { Label } from './analyses-text';
import { InspectInputError, interventionsOf, runWindows, type AblationInput, type Windows } from './windows';

/** Every unit of the model in table order: per layer its heads, then its attention and its MLP. */
export function allUnits(config: GPTConfig): Unit[] {
  const units: Unit[] = [];
  for (let layer = 0; layer < config.nLayer; layer++) {
    for (let head = 0; head < config.nHead; head++) units.push({ layer, head });
    units.push({ layer, part: 'attn' }, { layer, part: 'mlp' });
  }
  return units;
}

/** (L, SITES, C): each site's mean over every position of the windows, the plain model's. */
export async function siteMeans(engine: InspectEngine, w: Windows): Promise<Float32Array> {
  const { nLayer: L, nEmbd: C } = engine.config;
  const sums = new Float64Array(L * SITES * C);
  await runWindows(engine, w, { capture: { sites: true } }, (run, _b0, B) => {
    const sites = run.sites!; // (L, SITES, B, T, C)
    const rows = B * w.T;
    for (let ls = 0; ls < L * SITES; ls++) {
      for (let r = 0; r < rows; r++) {
        const base = (ls * rows + r) * C;
        for (let c = 0; c < C; c++) sums[ls * C + c] += sites[base + c];
      }
    }
  });
  return Float32Array.from(sums, (s) => s / (w.B * w.T));
}

/** The mean loss (nats) over every target of the windows. */
async function meanLoss(engine: InspectEngine, w: Windows, ablation: AblationInput | undefined): Promise<number> {
  let sum = 0;
  await runWindows(engine, w, { withTargets: true, interventions: interventionsOf(engine.config, ablation) }, (run) => {
    for (const x of run.losses!) sum += x;
  });
  return sum / (w.B * w.T);
}

/**
 * The validation loss with nothing off, then with each head and each sublayer off alone.
 * Mean ablation uses `means` when given (else computes them on the same windows).
 */
export async function ablationTable(engine: InspectEngine, w: Windows, mode: AblationMode, means?: Float32Array): Promise<AblationTableReport> {
  if (mode === 'mean') means ??= await siteMeans(engine, w);
  const baseLoss = await meanLoss(engine, w, undefined);
  const rows: AblationRow[] = [];
  for (const unit of allUnits(engine.config)) {
    const loss = await meanLoss(engine, w, { ablations: [{ unit, mode }], means });
    rows.push({ unit, name: unitName(unit), loss, delta: loss - baseLoss });
  }
  return { mode, baseLoss, rows, sequences: w.B };
}

/** p(target) after the last position of a (1, T, V) run. */
function lastP(logits: Float32Array, T: number, V: number, target: number): number {
  return softmax(logits.subarray((T - 1) * V, T * V))[target];
}

/**
 * Activation patching: both prompts (the same number of tokens; the last blockSize of them)
 * are run as they are, then the corrupted one once per unit with that unit's output taken,
 * position by position, from the clean run. The ablations in force stay on in every run.
 */
export async function patch(
  engine: InspectEngine,
  clean: Uint32Array,
  corrupt: Uint32Array,
  target: number,
  label: Label,
  opts: { ablation?: AblationInput } = {},
): Promise<PatchReport> {
  const config = engine.config;
  const { nLayer: L, nHead: NH, vocabSize: V, blockSize } = config;
  if (clean.length !== corrupt.length) {
    throw new InspectInputError(`The clean and corrupted prompts must have the same number of tokens (${clean.length} and ${corrupt.length}).`, 'inputs');
  }
  if (clean.length === 0) throw new InspectInputError('The prompts are empty.', 'inputs');
  // Longer prompts keep their last blockSize tokens, as sampling does.
  clean = clean.subarray(Math.max(0, clean.length - blockSize));
  corrupt = corrupt.subarray(Math.max(0, corrupt.length - blockSize));
  if (!Number.isInteger(target) || target < 0 || target >= V) throw new InspectInputError(`Token ${target} is not in the vocabulary.`, 'target');
  const T = clean.length;
  const ablations = opts.ablation?.ablations ?? [];
  const means = opts.ablation?.means;
  const plain = interventionsOf(config, opts.ablation);
  const cleanRun = await engine.run(clean, 1, T, { interventions: plain, capture: { sites: true } });
  const corruptRun = await engine.run(corrupt, 1, T, { interventions: plain });
  const patched = async (unit: Unit) => {
    const interventions = buildInterventions(config, { ablations, means, patches: [unit], source: cleanRun.sites!, sourceT: T });
    const run = await engine.run(corrupt, 1, T, { interventions });
    return lastP(run.logits, T, V, target);
  };
  const heads = new Float32Array(L * NH);
  const sublayers: PatchReport['sublayers'] = [];
  for (let layer = 0; layer < L; layer++) {
    for (let head = 0; head < NH; head++) heads[layer * NH + head] = await patched({ layer, head });
    sublayers.push({ layer, attn: await patched({ layer, part: 'attn' }), mlp: await patched({ layer, part: 'mlp' }) });
  }
  return {
    target: label(target),
    tokens: { clean: Array.from(clean, (id) => label(id)), corrupt: Array.from(corrupt, (id) => label(id)) },
    cleanP: lastP(cleanRun.logits, T, V, target),
    corruptP: lastP(corruptRun.logits, T, V, target),
    heads,
    sublayers,
  };
}
