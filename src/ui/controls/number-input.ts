// What a number field makes of its text. Kept apart from the component so it can be tested
// without a DOM: a cleared or half-typed field must say so, not snap back to the old value.

/**
 * The number typed, or null while the text is not one: empty, or text the browser could not
 * read as a number ("-", "1e": a number input then reports badInput and an empty value).
 */
export function typedNumber(raw: string, badInput: boolean): number | null {
  if (badInput || raw.trim() === '') return null;
  const v = Number(raw);
  return Number.isFinite(v) ? v : null;
}

// Grouped thousands for whole numbers; fractions as written (toLocaleString would round 3e-4 to 0).
const fmt = (v: number) => (Number.isInteger(v) ? v.toLocaleString('en-US') : String(v));

/**
 * The message next to a field whose text is not a number: what to enter, and which value
 * still applies meanwhile (the last valid one), so nobody wonders why nothing changed.
 */
export function notANumberMessage(min: number | undefined, max: number | undefined, inForce: number): string {
  const range =
    min !== undefined && max !== undefined
      ? ` from ${fmt(min)} to ${fmt(max)}`
      : min !== undefined
        ? ` (${fmt(min)} or more)`
        : max !== undefined
          ? ` (at most ${fmt(max)})`
          : '';
  const still = Number.isFinite(inForce) ? `; still using ${fmt(inForce)}` : '';
  return `Enter a number${range}${still}.`;
}
