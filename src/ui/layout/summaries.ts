// One line per settings drawer, shown on its header so that a closed drawer still says what
// is in force: the text and tokenizer, the model's shape, the length and rate of the run.
import type { GPTConfig } from '../../core/config';
import type { TokenizerChoice } from '../../core/protocol';
import type { TrainSettings } from '../../core/settings';

const count = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** A learning rate as people write it: 0.003, 1e-3, 2.5e-4. */
export function shortRate(lr: number): string {
  if (!Number.isFinite(lr)) return String(lr);
  if (lr === 0 || lr >= 0.01) return String(Number(lr.toPrecision(3)));
  return Number(lr.toPrecision(3)).toExponential();
}

export function dataSummary(title: string, tokenizer: TokenizerChoice): string {
  const tokens = tokenizer.kind === 'char' ? 'characters' : `BPE ${tokenizer.vocabSize.toLocaleString('en-US')}`;
  return `${title} · ${tokens}`;
}

export function modelSummary(m: Pick<GPTConfig, 'nLayer' | 'nHead' | 'nEmbd' | 'blockSize' | 'norm' | 'causal'>): string {
  const parts = [count(m.nLayer, 'layer'), count(m.nHead, 'head'), `width ${m.nEmbd}`, `block ${m.blockSize}`];
  if (m.norm === 'post') parts.push('post-LN');
  if (!m.causal) parts.push('no mask');
  return parts.join(' · ');
}

export function trainSummary(t: Pick<TrainSettings, 'lr' | 'maxSteps' | 'batchSize'>): string {
  return [`lr ${shortRate(t.lr)}`, count(t.maxSteps, 'step'), `batch ${t.batchSize}`].join(' · ');
}
