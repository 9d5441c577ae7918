// How the Inspect area writes tokens and its notes. Token labels come from the tokenizer
// ('␣' for a space, '↵' for a newline); a text of tokens reads better with real spaces and
// line breaks, the symbol of the newline kept so that it can be pointed at.
import { formatProbShort } from '../sample/format';
import type { Prediction } from '../../core/inspect';

/** A token as running text: spaces as spaces; a newline shows its symbol, then breaks the line. */
export function tokenText(label: string): { text: string; breaks: boolean } {
  const breaks = label.endsWith('↵');
  return { text: label.replaceAll('␣', ' '), breaks };
}

/**
 * What a typed token stands for: the labels' symbols of a space and a newline ('␣', '↵') as
 * the characters themselves, since a one-line field cannot hold a newline.
 */
export const typedToken = (typed: string): string => typed.replaceAll('␣', ' ').replaceAll('↵', '\n');

/** "“a” 42%, “b” 10%": predictions in a sentence. */
export const predictionsText = (top: readonly Prediction[]): string => top.map((p) => `“${p.label}” ${formatProbShort(p.p)}`).join(', ');

/** "at step 500, with L1 H3 off": what a result was measured on. */
export function measuredOn(step: number | null, ablated: readonly string[]): string {
  const parts: string[] = [];
  if (step !== null) parts.push(`at step ${step.toLocaleString('en-US')}`);
  if (ablated.length) parts.push(`with ${ablated.join(', ')} off`);
  return parts.join(', ');
}

/** "1st", "2nd", "3rd", "11th": a token's rank among the predictions. */
export function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n.toLocaleString('en-US')}${suffix}`;
}
