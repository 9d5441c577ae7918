import { describe, expect, it } from 'vitest';
import {
  compareSentence,
  copyTargets,
  countTargets,
  decodingSentence,
  entropyBits,
  evenShare,
  finalLosses,
  findLoop,
  headShares,
  headsSentence,
  maskSentence,
  nextTargets,
  strongestHead,
  temperatureSentence,
  temperatureShape,
  unigramLoss,
  type RunOutcome,
} from './outcomes';

const run = (name: string, loss: number | null, val: number | null, more: Partial<RunOutcome> = {}): RunOutcome => ({
  name,
  label: name,
  step: 200,
  maxSteps: 200,
  loss,
  val,
  divergedAt: null,
  sample: null,
  ...more,
});

describe('final losses', () => {
  it('averages the last ten finite train losses and takes the last validation loss', () => {
    const steps = Array.from({ length: 30 }, (_, i) => ({ step: i + 1, loss: i < 20 ? 5 : i - 19 }));
    steps.push({ step: 31, loss: NaN });
    const evals = [
      { step: 10, train: 4, val: 4.5 },
      { step: 30, train: 2, val: 2.25 },
    ];
    // Losses 1..10 at steps 21..30: mean 5.5; the NaN is left out.
    expect(finalLosses({ steps, evals })).toEqual({ loss: 5.5, val: 2.25 });
    expect(finalLosses({ steps: [], evals: [] })).toEqual({ loss: null, val: null });
  });
});

describe('comparison sentences', () => {
  it('names the run that got lower, by validation loss when both have one', () => {
    const s = compareSentence(run('learned positions', 0.5, 0.48), run('sinusoidal positions', 0.6, 0.71));
    expect(s).toBe('Learned positions got lower: validation loss 0.48, against 0.71 for sinusoidal positions.');
    expect(compareSentence(run('pre-LN', 2.4, null), run('post-LN', 2.1, 2))).toBe('Post-LN got lower: train loss 2.10, against 2.40 for pre-LN.');
  });

  it('calls a near tie a tie and says which run diverged or was cut short', () => {
    expect(compareSentence(run('a', 1, 1.001), run('b', 1, 1.01))).toMatch(/^Both ended at about the same validation loss: a 1.00, b 1.01\.$/);
    const s = compareSentence(run('pre-LN', 2.4, 2.5), run('post-LN', 3.1, 3.2, { divergedAt: 37, step: 30 }));
    expect(s).toContain('Pre-LN got lower');
    expect(s).toContain('Post-LN diverged at step 37');
    expect(compareSentence(run('a', 1, 1), run('b', 2, 2, { step: 40 }))).toContain('B was stopped at step 40 of 200.');
  });

  it('knows the loss of a model that knows only how often each character occurs', () => {
    expect(unigramLoss('abab')).toBeCloseTo(Math.log(2), 12);
    expect(unigramLoss('aaaa')).toBe(0);
    expect(unigramLoss('aabc')).toBeCloseTo(-(0.5 * Math.log(0.5) + 2 * 0.25 * Math.log(0.25)), 12);
  });

  it('says which run learned no more than the character frequencies', () => {
    const s = compareSentence(run('pre-LN', 2.7, 2.69), run('post-LN', 3, 2.98), 3.02);
    expect(s).toBe('Pre-LN got lower: validation loss 2.69, against 2.98 for post-LN. Post-LN stayed near 3.02, the loss of a model that knows only how often each character occurs.');
    // Not when both are there, nor when neither is.
    expect(compareSentence(run('a', 3, 3), run('b', 3.01, 3.01), 3.02)).not.toContain('stayed near');
    expect(compareSentence(run('a', 1, 1), run('b', 2, 2), 3.02)).not.toContain('stayed near');
    expect(maskSentence(run('with the mask', 3.29, 3.29), run('without the mask', 0.28, 0.3), null, 3.31)).toContain(
      'With the mask the loss is still near 3.31, that of a model that knows only how often each character occurs: the task takes longer to learn than this run lasted.',
    );
    // A short run where neither has moved: nothing to explain yet.
    expect(maskSentence(run('with the mask', 3.29, 3.29), run('without the mask', 3.3, 3.3), null, 3.31)).not.toContain('still near');
  });

  it('says the loss collapsed without the mask only when it did', () => {
    expect(maskSentence(run('with the mask', 3.27, 3.27), run('without the mask', 0.22, 0.2))).toMatch(/^Final train loss: 3.27 with the mask, 0.22 without it. Without the mask the loss collapsed/);
    expect(maskSentence(run('with the mask', 3.27, 3.27), run('without the mask', 3.1, 3.1))).toContain('has not pulled ahead yet');
    // The head that looks ahead is named only when it plainly does.
    const collapsed = [run('with the mask', 3.27, 3.27), run('without the mask', 0.22, 0.2)] as const;
    expect(maskSentence(...collapsed, { layer: 0, head: 3, share: 0.93 })).toContain('In the Attention panel, layer 1, head 4 of that run puts 93% of its attention on the next position');
    expect(maskSentence(...collapsed, { layer: 0, head: 3, share: 0.2 })).not.toContain('Attention panel');
  });

  it('looks one position ahead', () => {
    expect([...nextTargets(4)]).toEqual([
      [0, [1]],
      [1, [2]],
      [2, [3]],
    ]);
  });
});

describe('temperature', () => {
  it('measures entropy in bits', () => {
    expect(entropyBits([0.25, 0.25, 0.25, 0.25])).toBeCloseTo(2, 12);
    expect(entropyBits([1, 0, 0])).toBe(0);
    expect(entropyBits([0.5, 0.5])).toBeCloseTo(1, 12);
  });

  it('sharpens below 1 and flattens above 1', () => {
    const logits = [2, 1, 0.5, 0, -1];
    const cold = temperatureShape(logits, 0.5);
    const warm = temperatureShape(logits, 1);
    const hot = temperatureShape(logits, 2);
    expect([cold.top, warm.top, hot.top]).toEqual([0, 0, 0]);
    expect(cold.topProb).toBeGreaterThan(warm.topProb);
    expect(warm.topProb).toBeGreaterThan(hot.topProb);
    expect(cold.bits).toBeLessThan(warm.bits);
    expect(warm.bits).toBeLessThan(hot.bits);
    expect(hot.bits).toBeLessThan(Math.log2(5));
    expect(temperatureShape(logits, 0)).toEqual({ top: 0, topProb: 1, bits: 0 });
  });

  it('states the top token and the entropy at the temperature', () => {
    expect(temperatureSentence({ top: 3, topProb: 0.5, bits: 1.5 }, '1', 0.5)).toBe(
      'At temperature 0.5 the likeliest next token, ‘1’, has 50% of the probability. Entropy: 1.50 bits, as uncertain as a fair choice among 2.8 tokens.',
    );
    expect(temperatureSentence({ top: 0, topProb: 1, bits: 0 }, 'a', 0)).toBe('At temperature 0 (greedy) the likeliest next token, ‘a’, has 100% of the probability. Entropy: 0 bits: no uncertainty left.');
  });
});

describe('loops', () => {
  it('finds the loop a greedy text ends in', () => {
    expect(findLoop('5: *****\n1: *\n1: *\n1: *\n1: *\n1: *\n')).toEqual({ unit: '1: *\n', start: 7, times: 5 });
    expect(findLoop('the cat the cat the cat the cat')).toEqual({ unit: 'the cat ', start: 0, times: 3 });
  });

  it('finds none in a text that does not end repeating', () => {
    expect(findLoop('3: ***\n12: ************\n7: *******\n1: *\n')).toBeNull();
    // A line of stars is what the counting text asks for, not a loop; nor is a stretch seen twice.
    expect(findLoop('3: ***\n12: ************')).toBeNull();
    expect(findLoop('5: *****\n1: *\n1: *\n1: *\n1: *\n')).toBeNull();
    expect(findLoop('xyz the cat the cat')).toBeNull();
    // Twice is not a loop yet; three times is.
    expect(findLoop('a quick brown fox ' + 'the lazy dog '.repeat(2))).toBeNull();
    expect(findLoop('a quick brown fox ' + 'the lazy dog '.repeat(3))).toEqual({ unit: ' the lazy dog', start: 17, times: 3 });
  });

  it('says greedy looped and sampling did not', () => {
    const s = decodingSentence('1: *\n1: *\n1: *\n1: *\n1: *\n', '3: ***\n12: ************\n7: *******\n12: ************');
    expect(s).toContain('Greedy decoding fell into a loop: “1: *↵” repeats 5 times from character 1 to the end.');
    expect(s).toContain('Sampling did not loop');
    expect(decodingSentence('abcdefghijklmnop', 'qrstuvwxyz')).toContain('Greedy decoding did not repeat itself');
  });
});

describe('heads', () => {
  it('targets the number while the stars are written', () => {
    const t = countTargets(Array.from('5: *****\n11: ***'));
    expect([...t.keys()]).toEqual([2, 3, 4, 5, 6, 7, 12, 13, 14, 15]);
    expect(t.get(2)).toEqual([0]);
    expect(t.get(15)).toEqual([9, 10]);
  });

  it('targets the letter to copy next', () => {
    const t = copyTargets(Array.from('plum|plum\ngar|ga'));
    expect([...t.entries()]).toEqual([
      [4, [0]],
      [5, [1]],
      [6, [2]],
      [7, [3]],
      [13, [10]],
      [14, [11]],
      [15, [12]],
    ]);
  });

  it('finds the head whose attention lands on the targets', () => {
    // Two heads, T = 3: head 0 attends to itself, head 1 to position 0.
    const T = 3;
    const p = new Float32Array(2 * T * T);
    for (let q = 0; q < T; q++) {
      p[q * T + q] = 1;
      p[(T + q) * T] = 1;
    }
    const targets = new Map([
      [1, [0]],
      [2, [0]],
    ]);
    const shares = headShares([p], 2, T, targets);
    expect(shares).toEqual([
      { layer: 0, head: 0, share: 0 },
      { layer: 0, head: 1, share: 1 },
    ]);
    expect(strongestHead(shares)).toEqual({ layer: 0, head: 1, share: 1 });
    expect(strongestHead([])).toBeNull();
    expect(headShares([p], 2, T, new Map())).toEqual([]);
  });

  it('reports the strongest head after training against the same head before', () => {
    const before = [
      { layer: 0, head: 0, share: 0.2 },
      { layer: 1, head: 1, share: 0.25 },
    ];
    const after = [
      { layer: 0, head: 0, share: 0.3 },
      { layer: 1, head: 1, share: 0.81 },
    ];
    expect(headsSentence(before, after, 'looks back at the number', 0.2)).toBe(
      'After training, layer 2, head 2 looks back at the number: 81% of its attention lands there (before training it gave 25%; attention spread evenly would give 20%). It is the head picked out in the Attention panel.',
    );
    expect(headsSentence(before, [], 'looks back', 0.2)).toMatch(/nothing to measure/);
  });

  it('knows what even attention over the past gives the targets', () => {
    // Query 1 sees 2 keys, one a target: 1/2; query 3 sees 4 keys, two targets: 2/4.
    expect(evenShare(new Map([[1, [0]], [3, [0, 1]]]))).toBe(0.5);
    expect(evenShare(new Map([[4, [0]]]))).toBe(0.2);
    expect(evenShare(new Map())).toBe(0);
  });
});
