// The set of units switched off, as the Inspect area and the Playground's note show it: kept
// in the model's order (layer by layer, heads first, then the attention and MLP sublayers),
// so that the note reads the same whatever order the toggles were pressed in.
import { sameUnit, unitName, type Ablation, type AblationMode, type Unit } from '../core/inspect';

/** Sort key of a unit: its layer, then heads by index, then attention, then MLP. */
function rank(u: Unit): [number, number] {
  return [u.layer, 'head' in u ? u.head : u.part === 'attn' ? Number.MAX_SAFE_INTEGER - 1 : Number.MAX_SAFE_INTEGER];
}

export function compareUnits(a: Unit, b: Unit): number {
  const [la, sa] = rank(a);
  const [lb, sb] = rank(b);
  return la - lb || sa - sb;
}

export const hasUnit = (units: readonly Unit[], unit: Unit): boolean => units.some((u) => sameUnit(u, unit));

/** `units` with `unit` switched: added when absent, removed when present. */
export function toggleUnit(units: readonly Unit[], unit: Unit): Unit[] {
  const next = hasUnit(units, unit) ? units.filter((u) => !sameUnit(u, unit)) : [...units, unit];
  return next.sort(compareUnits);
}

/** What setAblations is sent: every unit with the one mode chosen. */
export const ablationsOf = (units: readonly Unit[], mode: AblationMode): Ablation[] => units.map((unit) => ({ unit, mode }));

/** "L1 H2, L2 MLP": the units off, for a note. */
export const ablatedList = (units: readonly Unit[]): string => [...units].sort(compareUnits).map(unitName).join(', ');
