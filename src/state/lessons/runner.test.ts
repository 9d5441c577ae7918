// The runner's sequencing, against a driver that records what it is asked and trains nothing.
import { beforeEach, describe, expect, it } from 'vitest';
import type { AttentionReport } from '../../core/protocol';
import type { DemoHistory, DemoState } from '../../persist/demo';
import type { ComparedRun } from '../compare';
import { findLesson } from './definitions';
import { cardOf, dismissLessonBar, lessonStore, parseLessonSteps, showLessonBar, startLesson, stopLesson } from './lesson-store';
import type { LessonDriver, TrainEnd } from './runner';

type Ending = TrainEnd | 'wait-for-halt' | Error;

/** A driver that logs every call; each train() ends as the next entry of `endings` says. */
class FakeDriver implements LessonDriver {
  log: string[] = [];
  applied: DemoState[] = [];
  pins: ComparedRun[] = [];
  endings: Ending[] = [];
  demoOpens = false;
  buildError: Error | null = null;
  texts: string[] = [];
  attentionReports: AttentionReport[] = [];
  focused: { layer: number; head: number } | null = null;
  private halted: (() => void) | null = null;
  private run = 0;

  async prepare() {
    this.log.push('prepare');
  }
  async openDemo(id: string) {
    this.log.push(`openDemo ${id}`);
    return this.demoOpens;
  }
  async apply(demo: DemoState) {
    this.applied.push(demo);
    this.log.push(`apply ${demo.corpus.source.kind === 'sample' ? demo.corpus.source.id : '?'} ${demo.train.maxSteps}`);
  }
  async build() {
    this.log.push('build');
    if (this.buildError) throw this.buildError;
  }
  async train(): Promise<TrainEnd> {
    this.run++;
    this.log.push('train');
    const e = this.endings.shift() ?? { end: 'done', step: this.applied.at(-1)!.train.maxSteps, top: 0, message: null };
    if (e instanceof Error) throw e;
    if (e === 'wait-for-halt') {
      await new Promise<void>((resolve) => (this.halted = resolve));
      return { end: 'paused', step: 40, top: 40, message: null };
    }
    return e;
  }
  async halt() {
    this.log.push('halt');
    this.halted?.();
    this.halted = null;
  }
  history(): DemoHistory {
    const loss = this.run === 1 ? 3 : 0.2;
    return { steps: Array.from({ length: 20 }, (_, i) => ({ step: i + 1, loss })), evals: [{ step: 20, train: loss, val: loss + 0.01 }] };
  }
  async generate(prompt: string, o: { greedy: boolean; temperature: number; maxTokens: number }) {
    this.log.push(`generate ${JSON.stringify(prompt)} greedy=${o.greedy} t=${o.temperature} n=${o.maxTokens}`);
    return { text: this.texts.shift() ?? 'xyz', firstLogits: new Float32Array([2, 1, 0]), firstLabel: 'a', labels: ['a', 'b', 'c'] };
  }
  async attention(prompt: string) {
    this.log.push(`attention ${JSON.stringify(prompt)}`);
    return this.attentionReports.shift()!;
  }
  setSample(s: { prompt: string }) {
    this.log.push(`setSample ${JSON.stringify(s.prompt)}`);
  }
  focusHead(h: { layer: number; head: number }) {
    this.focused = h;
  }
  pin(run: ComparedRun) {
    this.pins.push(run);
    this.log.push(`pin ${run.id} ${run.label}`);
  }
}

const card = (id: string) => cardOf(lessonStore.getState(), id);

beforeEach(() => lessonStore.setState({ active: null, stopping: false, latest: null, shown: null, cards: {} }));

describe('a comparison lesson', () => {
  it('trains each run in turn, pins it to the chart before the next starts, and samples it', async () => {
    const d = new FakeDriver();
    d.attentionReports = [lookingAhead('plum|plum\ngar')];
    await startLesson('causal-mask', { driver: d, steps: null });
    expect(d.log).toEqual([
      'prepare',
      'apply copy 200',
      'build',
      'train',
      'pin lesson:causal-mask:0 causal mask',
      'generate "plum|plum\\ngar" greedy=false t=0.8 n=80',
      'apply copy 200',
      'build',
      'train',
      'pin lesson:causal-mask:1 no causal mask',
      'generate "plum|plum\\ngar" greedy=false t=0.8 n=80',
      // The run without the mask: its heads are read for looking one position ahead.
      'attention "plum|plum\\ngar"',
    ]);
    expect(d.applied.map((a) => a.model.causal)).toEqual([true, false]);
    const c = card('causal-mask');
    expect(c.status).toBe('done');
    expect(c.progress).toBeNull();
    expect(c.outcome).toMatch(/^Final train loss: 3.00 with the mask, 0.20 without it. Without the mask the loss collapsed/);
    expect(c.outcome).toContain('layer 1, head 2 of that run puts 100% of its attention on the next position');
    expect(c.texts.map((t) => t.name)).toEqual(['with the mask', 'without the mask']);
    expect(c.texts[0]).toEqual({ name: 'with the mask', prompt: 'plum|plum\ngar', text: 'xyz' });
    expect(d.pins[0].steps).toHaveLength(20);
    expect(d.pins[0].evals).toEqual([{ step: 20, train: 3, val: 3.01 }]);
    expect(lessonStore.getState().active).toBeNull();
  });

  it('cuts every run to the steps asked for', async () => {
    const d = new FakeDriver();
    await startLesson('positions', { driver: d, steps: 12 });
    expect(d.applied.map((a) => [a.train.maxSteps, a.train.evalEvery, a.model.positions])).toEqual([
      [12, 3, 'learned'],
      [12, 3, 'sinusoidal'],
    ]);
    expect(card('positions').outcome).toBe('Sinusoidal positions got lower: validation loss 0.21, against 3.01 for learned positions.');
  });

  it('goes on after a run that diverged and says where it did', async () => {
    const d = new FakeDriver();
    d.endings = [{ end: 'done', step: 200, top: 200, message: null }, { end: 'diverged', step: 50, top: 57, message: null }];
    await startLesson('layernorm', { driver: d, steps: null });
    expect(d.pins.map((p) => p.label)).toEqual(['pre-LN', 'post-LN']);
    expect(card('layernorm').status).toBe('done');
    expect(card('layernorm').outcome).toContain('Post-LN diverged at step 57');
    expect(card('layernorm').runs[1].divergedAt).toBe(57);
  });

  it('stops when asked: training pauses, the finished run stays pinned, the next is not', async () => {
    const d = new FakeDriver();
    d.endings = [{ end: 'done', step: 200, top: 200, message: null }, 'wait-for-halt'];
    d.attentionReports = [lookingAhead('plum|plum\ngar')];
    const running = startLesson('causal-mask', { driver: d, steps: null });
    await until(() => card('causal-mask').progress?.run === 1 && card('causal-mask').progress?.phase === 'training');
    expect(card('causal-mask').progress).toEqual({ run: 1, runs: 2, name: 'without the mask', phase: 'training', maxSteps: 200 });
    await stopLesson({ driver: d });
    await running;
    const c = card('causal-mask');
    expect(c.status).toBe('stopped');
    expect(c.outcome).toBe('Stopped. With the mask is on the chart as “causal mask”. Without the mask: trained to step 40 of 200; it is the run on the chart now.');
    expect(d.pins.map((p) => p.id)).toEqual(['lesson:causal-mask:0']);
    expect(d.log.filter((l) => l.startsWith('generate'))).toHaveLength(1);
    expect(lessonStore.getState()).toMatchObject({ active: null, stopping: false });
  });

  it('stops when training is paused outside the lesson, and fails on a fault with its message', async () => {
    const d = new FakeDriver();
    d.endings = [{ end: 'paused', step: 33, top: 33, message: null }];
    await startLesson('positions', { driver: d, steps: null });
    expect(card('positions').status).toBe('stopped');
    expect(card('positions').outcome).toContain('Training was paused (or its model replaced) outside the lesson.');
    const f = new FakeDriver();
    f.endings = [{ end: 'paused', step: 33, top: 33, message: 'The GPU refused a step.' }];
    await startLesson('positions', { driver: f, steps: null });
    expect(card('positions')).toMatchObject({ status: 'error', error: 'The GPU refused a step.' });
    expect(f.log).toContain('halt');
  });

  it('shows an error on the card when the model cannot be built, and runs nothing more', async () => {
    const d = new FakeDriver();
    d.buildError = new Error('The model could not be built: no WebGPU and too big for the CPU.');
    await startLesson('positions', { driver: d, steps: null });
    expect(card('positions')).toMatchObject({ status: 'error', error: 'The model could not be built: no WebGPU and too big for the CPU.', progress: null });
    expect(d.log).not.toContain('train');
    expect(d.pins).toEqual([]);
  });

  it('runs one lesson at a time', async () => {
    const d = new FakeDriver();
    d.endings = ['wait-for-halt'];
    const first = startLesson('positions', { driver: d, steps: null });
    await until(() => card('positions').progress?.phase === 'training');
    const other = new FakeDriver();
    await startLesson('layernorm', { driver: other, steps: null });
    expect(other.log).toEqual([]);
    expect(card('layernorm').status).toBe('idle');
    await stopLesson({ driver: d });
    await first;
  });

  it('keeps the latest lesson for the Playground’s bar, closed and shown again', async () => {
    await startLesson('positions', { driver: new FakeDriver(), steps: null });
    await startLesson('layernorm', { driver: new FakeDriver(), steps: null });
    expect(lessonStore.getState()).toMatchObject({ latest: 'layernorm', shown: 'layernorm' });
    dismissLessonBar();
    expect(lessonStore.getState()).toMatchObject({ latest: 'layernorm', shown: null });
    showLessonBar();
    expect(lessonStore.getState().shown).toBe('layernorm');
  });
});

describe('lessons on one trained model', () => {
  it('opens the shipped demo when it can and reads the next-token distribution after the prompt', async () => {
    const d = new FakeDriver();
    d.demoOpens = true;
    await startLesson('temperature', { driver: d, steps: null });
    expect(d.log).toEqual(['prepare', 'openDemo count', 'setSample "5: *****\\n"', 'generate "5: *****\\n" greedy=false t=0.8 n=1']);
    const c = card('temperature');
    expect(c.status).toBe('done');
    expect(c.probe).toMatchObject({ prompt: '5: *****\n', drawnLabel: 'a', labels: ['a', 'b', 'c'] });
    expect(Array.from(c.probe!.logits)).toEqual([2, 1, 0]);
    expect(c.note).toContain('trained demos that ship');
  });

  it('trains its own model when the demo cannot be opened', async () => {
    const d = new FakeDriver();
    await startLesson('temperature', { driver: d, steps: 12 });
    expect(d.log.slice(0, 5)).toEqual(['prepare', 'openDemo count', 'apply count 12', 'build', 'train']);
    expect(card('temperature').note).toBe('The model was trained here for 12 steps (the shipped demo could not be opened).');
    expect(card('temperature').probe).not.toBeNull();
  });

  it('writes greedily, then by sampling, and says greedy looped', async () => {
    const d = new FakeDriver();
    d.demoOpens = true;
    d.texts = ['1: *\n1: *\n1: *\n1: *\n1: *\n', '3: ***\n12: ************\n7: *******\n'];
    await startLesson('greedy', { driver: d, steps: null });
    expect(d.log.filter((l) => l.startsWith('generate'))).toEqual(['generate "5: *****\\n" greedy=true t=1 n=200', 'generate "5: *****\\n" greedy=false t=1 n=200']);
    const c = card('greedy');
    expect(c.texts.map((t) => t.name)).toEqual(['Greedy', 'Sampling at temperature 1']);
    expect(c.texts[0]).toEqual({ name: 'Greedy', prompt: '5: *****\n', text: '1: *\n1: *\n1: *\n1: *\n1: *\n' });
    expect(c.outcome).toContain('Greedy decoding fell into a loop: “1: *↵” repeats 5 times from character 1');
    expect(c.outcome).toContain('Sampling did not loop');
  });

  it('reads the heads before and after training and enlarges the strongest', async () => {
    const d = new FakeDriver();
    const prompt = '5: *****\n11: ***';
    const T = prompt.length;
    // Two layers of two heads: before, even attention; after, layer 2 head 1 looks at the number.
    const report = (focused: boolean): AttentionReport => {
      const probs = [0, 1].map((layer) => {
        const p = new Float32Array(2 * T * T);
        for (let h = 0; h < 2; h++)
          for (let q = 0; q < T; q++)
            for (let k = 0; k <= q; k++) {
              const digit = k === 0 || k === 9 || k === 10;
              p[(h * T + q) * T + k] = focused && layer === 1 && h === 0 ? (digit && k <= q ? 1 / (q < 9 ? 1 : 2) : 0) : 1 / (q + 1);
            }
        return p;
      });
      return { tokens: Array.from(prompt), nLayer: 2, nHead: 2, probs };
    };
    d.attentionReports = [report(false), report(true)];
    await startLesson('heads', { driver: d, steps: null });
    const steps = findLesson('heads')!.runs[0].demo.train.maxSteps;
    expect(d.log).toEqual(['prepare', `apply count ${steps}`, 'build', `attention ${JSON.stringify(prompt)}`, 'train', `attention ${JSON.stringify(prompt)}`, `generate ${JSON.stringify(prompt)} greedy=false t=0.8 n=60`]);
    expect(d.focused).toEqual({ layer: 1, head: 0 });
    expect(card('heads').outcome).toMatch(/^After training, layer 2, head 1 looks back at the number while the stars are written: 100% of its attention lands there \(before training it gave (\d+)%; attention spread evenly would give \1%\)/);
  });
});

describe('?lessonSteps=', () => {
  it('reads a whole number of steps, and nothing else', () => {
    expect(parseLessonSteps('?lessonSteps=12')).toBe(12);
    expect(parseLessonSteps('?demo=none&lessonSteps=3')).toBe(3);
    for (const bad of ['', '?lessonSteps=', '?lessonSteps=0', '?lessonSteps=-4', '?lessonSteps=2.5', '?lessonSteps=1e3', '?lessonSteps=99999']) expect(parseLessonSteps(bad)).toBeNull();
  });
});

/** One layer of two heads over `prompt`: head 1 spreads evenly, head 2 looks at the next position (the last at itself). */
function lookingAhead(prompt: string): AttentionReport {
  const T = prompt.length;
  const p = new Float32Array(2 * T * T);
  for (let q = 0; q < T; q++) {
    for (let k = 0; k < T; k++) p[q * T + k] = 1 / T;
    p[(T + q) * T + Math.min(q + 1, T - 1)] = 1;
  }
  return { tokens: Array.from(prompt), nLayer: 1, nHead: 2, probs: [p] };
}

/** Resolves once `ok` holds, checking after each turn of the event loop. */
async function until(ok: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !ok(); i++) await new Promise((r) => setTimeout(r, 0));
  if (!ok()) throw new Error('condition never held');
}
