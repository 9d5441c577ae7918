// The device benchmark's choices that need no GPU: which shapes it measures, and when it
// refuses to run (the measurement itself: benchmark.gpu.test.ts).
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../core/config';
import { DEFAULT_TRAIN } from '../core/settings';
import type { Event } from '../core/protocol';
import { caseName } from '../engine/bench/types';
import { benchModel, DeviceBenchmark, modelCases, type BenchHost } from './benchmark';
import { InputError } from './errors';

describe('benchmark shapes', () => {
  it('are the default model with the default batch when no model is built', () => {
    const m = benchModel(null);
    expect(m.source).toBe('default');
    expect(m.config).toEqual(DEFAULT_CONFIG);
    expect(m.settings.batchSize).toBe(DEFAULT_TRAIN.batchSize);
  });

  it("are the model's own when there is one: rows B·T, its width, heads and vocabulary", () => {
    const config = { ...DEFAULT_CONFIG, nEmbd: 96, nHead: 3, vocabSize: 300 };
    const settings = { ...DEFAULT_TRAIN, batchSize: 8, blockSize: 32 };
    expect(benchModel({ config, settings }).source).toBe('model');
    expect(modelCases({ config, settings }).map(({ c }) => caseName(c))).toEqual([
      'matmul_forward 256x96x288',
      'matmul_forward 256x96x384',
      'matmul_backward 256x96x384',
      'attention_forward B8 T32 C96 NH3',
      'attention_backward B8 T32 C96 NH3',
      'layernorm_forward BT256xC96',
      'gelu_forward BT256x4C384',
      'crossentropy_forward BT256xV300',
      'matmul_forward 512x512x512',
    ]);
  });
});

function host(over: Partial<BenchHost> = {}): BenchHost & { events: Event[] } {
  const events: Event[] = [];
  return {
    events,
    device: () => new Promise(() => {}), // never opens: these runs end before or while waiting
    session: () => ({ running: false, model: null }),
    emit: (e) => events.push(e),
    ...over,
  };
}

const refusal = async (p: Promise<unknown>): Promise<InputError> => {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(InputError);
  return e as InputError;
};

describe('DeviceBenchmark', () => {
  it('refuses while training runs, saying what to do', async () => {
    const b = new DeviceBenchmark(host({ session: () => ({ running: true, model: null }) }));
    const e = await refusal(b.run());
    expect(e.field).toBe('train');
    expect(e.message).toMatch(/^Pause training/);
  });

  it('refuses a step count that is not a whole number from 1 to 1000', async () => {
    const b = new DeviceBenchmark(host());
    for (const steps of [0, -1, 2.5, 1001, NaN]) expect((await refusal(b.run(steps))).field).toBe('benchmark');
  });

  it('runs one benchmark at a time', async () => {
    const b = new DeviceBenchmark(host());
    void b.run(1); // waits for its device for ever
    const e = await refusal(b.run(1));
    expect(e.message).toBe('The benchmark is already running.');
  });
});
