// What a lesson found, in numbers and in a sentence for its card: the runs' final losses, the
// head that learned the task, the loop greedy decoding fell into, and the shape of the
// next-token distribution under a temperature. Pure functions of what the runs left behind.
import { nextTokenDistribution } from '../../core/distribution';
import type { DemoHistory } from '../../persist/demo';
import { patternTargets, strongestHead, type HeadShare, type HeadTargets } from '../../core/head-targets';

/** What one run of a lesson left: its end, its losses and a sample of its text. */
export interface RunOutcome {
  /** The run's name in the lesson ("with the mask"). */
  name: string;
  /** Its label on the chart's legend. */
  label: string;
  /** The last step trained. */
  step: number;
  maxSteps: number;
  /** Mean train loss of the run's last steps (what the chart's smoothed curve ends at); null without steps. */
  loss: number | null;
  /** Validation loss at the run's last evaluation; null without one. */
  val: number | null;
  /** Step at which the loss stopped being a number (the run then went back to good weights); null when it never did. */
  divergedAt: number | null;
  /** Text the trained model wrote from the lesson's prompt; null when none was written. */
  sample: string | null;
}

/** Steps averaged for a run's final loss: enough to smooth out one batch's luck. */
export const FINAL_STEPS = 10;

/** The mean of the last finite train losses and the last validation loss of a history. */
export function finalLosses(h: DemoHistory): { loss: number | null; val: number | null } {
  const tail = h.steps.filter((s) => Number.isFinite(s.loss)).slice(-FINAL_STEPS);
  const loss = tail.length ? tail.reduce((a, s) => a + s.loss, 0) / tail.length : null;
  const last = [...h.evals].reverse().find((e) => Number.isFinite(e.val));
  return { loss, val: last ? last.val : null };
}

const f2 = (x: number | null) => (x === null ? 'unknown' : x.toFixed(2));

/** The loss a run is judged by: validation when both runs have one, else the train loss. */
function judged(runs: readonly RunOutcome[]): { key: 'val' | 'loss'; word: string } {
  return runs.every((r) => r.val !== null) ? { key: 'val', word: 'validation loss' } : { key: 'loss', word: 'train loss' };
}

/** Runs that stopped before their last step: diverged, or stopped by the learner. */
function endNote(r: RunOutcome): string {
  if (r.divergedAt !== null) return `${r.name} diverged at step ${r.divergedAt} (its loss stopped being a number; the run went back to its last good weights)`;
  if (r.step < r.maxSteps) return `${r.name} was stopped at step ${r.step} of ${r.maxSteps}`;
  return '';
}

/**
 * The loss of a model that knows only how often each character occurs: the entropy of the
 * text's characters, in nats (the unit of the loss). A run that ends near it has learned
 * nothing about order yet.
 */
export function unigramLoss(text: string): number {
  const counts = new Map<string, number>();
  let n = 0;
  for (const c of text) {
    counts.set(c, (counts.get(c) ?? 0) + 1);
    n++;
  }
  let h = 0;
  for (const k of counts.values()) h -= (k / n) * Math.log(k / n);
  return h;
}

/** How close to the character-frequency loss a run must end to be said to be there. */
const NEAR_BASELINE = 0.08;

/** "Post-LN stayed near 3.02: …" for the runs that ended at the character-frequency loss. */
function baselineNote(runs: readonly RunOutcome[], key: 'val' | 'loss', baseline: number | null): string {
  if (baseline === null) return '';
  const near = runs.filter((r) => r[key] !== null && Math.abs(r[key]! - baseline) < NEAR_BASELINE);
  if (near.length === 0 || near.length === runs.length) return '';
  return ` ${capital(near.map((r) => r.name).join(' and '))} stayed near ${baseline.toFixed(2)}, the loss of a model that knows only how often each character occurs.`;
}

/**
 * Two runs that differ in one setting: which ended lower, by how much, which diverged, and
 * (given the text's character-frequency loss) which learned no more than that.
 * `a` and `b` are in the lesson's order.
 */
export function compareSentence(a: RunOutcome, b: RunOutcome, baseline: number | null = null): string {
  const { key, word } = judged([a, b]);
  const notes = [a, b].map(endNote).filter(Boolean);
  const la = a[key];
  const lb = b[key];
  let verdict: string;
  if (la === null || lb === null) verdict = `Final ${word}: ${a.name} ${f2(la)}, ${b.name} ${f2(lb)}.`;
  else if (Math.abs(la - lb) < 0.02) verdict = `Both ended at about the same ${word}: ${a.name} ${f2(la)}, ${b.name} ${f2(lb)}.`;
  else {
    const [lo, hi] = la < lb ? [a, b] : [b, a];
    verdict = `${capital(lo.name)} got lower: ${word} ${f2(lo[key])}, against ${f2(hi[key])} for ${hi.name}.`;
  }
  const said = notes.length ? `${verdict} ${notes.map(capital).join('; ')}.` : verdict;
  return said + baselineNote([a, b], key, baseline);
}

/**
 * The causal-mask lesson: the loss without the mask, the head of that run that looks one
 * position ahead (`peek`, its share of attention on the next position), and why its samples
 * are no better.
 */
export function maskSentence(withMask: RunOutcome, without: RunOutcome, peek: HeadShare | null = null, baseline: number | null = null): string {
  const a = withMask.loss;
  const b = without.loss;
  const losses = `Final train loss: ${f2(a)} with the mask, ${f2(b)} without it.`;
  if (a === null || b === null) return losses;
  if (b < 0.7 * a) {
    const seen = peek && peek.share >= 0.3 ? ` In the Attention panel, ${headName(peek)} of that run puts ${pct(peek.share)} of its attention on the next position: a stripe just right of the diagonal.` : '';
    // The masked run may not have learned the task yet: said, so that its loss is not read as broken.
    const early =
      baseline !== null && Math.abs(a - baseline) < NEAR_BASELINE
        ? ` With the mask the loss is still near ${baseline.toFixed(2)}, that of a model that knows only how often each character occurs: the task takes longer to learn than this run lasted.`
        : '';
    return `${losses} Without the mask the loss collapsed: each position could read the very token it had to predict.${seen}${early} Now compare the two samples: when the model writes, there is no future to read, so the run with the far lower loss does not write better text.`;
  }
  return `${losses} The run without the mask has not pulled ahead yet (this run was short); a longer run lets it find the answer it can see. Compare the two samples too.`;
}

/** Looking ahead: every position but the last, and the position after it. */
export function nextTargets(T: number): HeadTargets {
  const t: HeadTargets = new Map();
  for (let q = 0; q + 1 < T; q++) t.set(q, [q + 1]);
  return t;
}

/** Entropy of a distribution in bits (0 when all the probability is on one token). */
export function entropyBits(p: ArrayLike<number>): number {
  let h = 0;
  for (let i = 0; i < p.length; i++) if (p[i] > 0) h -= p[i] * Math.log2(p[i]);
  return h;
}

export interface TemperatureShape {
  top: number;
  topProb: number;
  bits: number;
}

/** The next-token distribution's top token and entropy under plain temperature sampling. */
export function temperatureShape(logits: ArrayLike<number>, temperature: number): TemperatureShape {
  const p = nextTokenDistribution(logits, { temperature, topK: 0, topP: 1, greedy: false });
  let top = 0;
  for (let i = 1; i < p.length; i++) if (p[i] > p[top]) top = i;
  return { top, topProb: p[top], bits: entropyBits(p) };
}

/** "At temperature 0.5 the likeliest next token, ‘1’, has 71% of the probability; entropy 1.4 bits (…)." */
export function temperatureSentence(shape: TemperatureShape, label: string, temperature: number): string {
  const pct = shape.topProb >= 0.995 ? '100%' : `${(shape.topProb * 100).toFixed(shape.topProb < 0.1 ? 1 : 0)}%`;
  const t = temperature <= 0 ? 'At temperature 0 (greedy)' : `At temperature ${Number(temperature.toFixed(2))}`;
  const bits = shape.bits < 0.005 ? '0 bits: no uncertainty left' : `${shape.bits.toFixed(2)} bits, as uncertain as a fair choice among ${Math.pow(2, shape.bits).toFixed(1)} tokens`;
  return `${t} the likeliest next token, ‘${label}’, has ${pct} of the probability. Entropy: ${bits}.`;
}

/** A repeating stretch at the end of a text: `unit` repeats from character `start` to the end. */
export interface Loop {
  unit: string;
  start: number;
  /** How many whole times the unit fits in the repeating stretch. */
  times: number;
}

/**
 * The loop a text ends in: the shortest period p ≤ maxPeriod such that the text's end repeats
 * with period p over at least three periods and `minChars` characters, taken back as far as
 * it goes; a unit with a line break in it is turned to end with it. Null when the end of the
 * text does not repeat. The span asked for is longer than any line of the counting text, so
 * that a long line of stars is not taken for a loop.
 */
export function findLoop(text: string, maxPeriod = 40, minChars = 24): Loop | null {
  const c = Array.from(text);
  const n = c.length;
  for (let p = 1; p <= Math.min(maxPeriod, Math.floor(n / 3)); p++) {
    let start = n - p;
    while (start > 0 && c[start - 1] === c[start - 1 + p]) start--;
    const span = n - start;
    if (span < 3 * p || span < minChars) continue;
    // Read as whole lines where the unit spans one: "1: *↵" rather than "*↵1: ".
    const unit = c.slice(start, start + p);
    const nl = unit.lastIndexOf('\n');
    const shown = nl >= 0 ? [...unit.slice(nl + 1), ...unit.slice(0, nl + 1)] : unit;
    return { unit: shown.join(''), start, times: Math.floor(span / p) };
  }
  return null;
}

/** Line breaks shown as ↵ so a repeated unit reads on one line. */
export const visible = (s: string): string => s.replace(/\n/g, '↵');

/** The greedy-vs-sampling lesson: the loop greedy fell into, and whether sampling did too. */
export function decodingSentence(greedy: string, sampled: string): string {
  const g = findLoop(greedy);
  const s = findLoop(sampled);
  const gs = g
    ? `Greedy decoding fell into a loop: “${visible(g.unit)}” repeats ${g.times} times from character ${g.start + 1} to the end. With the same text behind it, the likeliest token is the same every time, so once a stretch repeats it repeats for ever.`
    : 'Greedy decoding did not repeat itself within this text (a longer one would: with the same text behind it, the likeliest token is always the same).';
  const ss = s ? ` Sampling repeated too (“${visible(s.unit)}”), by chance.` : ' Sampling did not loop: a random draw now and then takes it somewhere new.';
  return gs + ss;
}

export { evenShare, headShares, strongestHead, type HeadShare, type HeadTargets } from '../../core/head-targets';

/**
 * Counting ("11: ***"): while the stars are written (from the space after the colon), the
 * number says how many; the number's digits are the keys. Positions outside such a line
 * are not counted.
 */
export const countTargets = (chars: readonly string[]): HeadTargets => patternTargets('count', 'number', chars);

/** Copying ("abc|abc"): at the bar and after it, the letter of the word to write next. */
export const copyTargets = (chars: readonly string[]): HeadTargets => patternTargets('copy', 'letter', chars);

const pct = (x: number) => `${Math.round(x * 100)}%`;
const headName = (h: HeadShare) => `layer ${h.layer + 1}, head ${h.head + 1}`;

/**
 * The heads lesson: the head that attends most to the task's targets after training, what the
 * same head gave them before (at its random initial weights), and what attention spread
 * evenly over the past would give (`even`).
 */
export function headsSentence(before: readonly HeadShare[], after: readonly HeadShare[], what: string, even: number): string {
  const best = strongestHead(after);
  if (!best) return 'The prompt has no positions where the task needs a head, so there is nothing to measure.';
  const then = before.find((h) => h.layer === best.layer && h.head === best.head);
  const was = then ? `before training it gave ${pct(then.share)}` : 'before training it was not measured';
  return `After training, ${headName(best)} ${what}: ${pct(best.share)} of its attention lands there (${was}; attention spread evenly would give ${pct(even)}). It is the head picked out in the Attention panel.`;
}

export function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
