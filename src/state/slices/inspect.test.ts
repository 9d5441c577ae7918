// The Inspect area's state against a fake worker: every ablation change is sent at once and,
// once in force, the sample, the attention maps and a measured surprisal are drawn again; a
// change the worker refuses is undone; results and ablations go with the model they were of.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ModelReport } from '../../core/protocol';

const request = vi.fn();
vi.mock('../engine', () => ({ engine: () => ({ request }) }));

const { useAppStore } = await import('../store');
const { errorField } = await import('./inspect');

const model = { params: 1, config: { nLayer: 2, nHead: 4 } } as ModelReport;
const later = () => new Promise((r) => setTimeout(r, 0));

describe('inspect and ablation slices', () => {
  let runSample: ReturnType<typeof vi.fn<() => Promise<void>>>;
  let refreshAttention: ReturnType<typeof vi.fn<() => Promise<void>>>;
  beforeEach(() => {
    request.mockReset();
    runSample = vi.fn(async () => undefined);
    refreshAttention = vi.fn(async () => undefined);
    useAppStore.getState().forgetInspect();
    useAppStore.setState({ modelReport: model, sampleTokens: [], sampleBusy: false, attentionBusy: false, runSample, refreshAttention });
  });

  it('sends each change, then draws the sample, the maps and the surprisal again', async () => {
    request.mockImplementation(async (type: string, body: { ablations?: unknown[]; query?: { kind: string } }) =>
      type === 'setAblations' ? { ablated: body.ablations!.map(() => 'L1 H3') } : { kind: body.query?.kind, tokens: [] },
    );
    useAppStore.setState({ sampleTokens: [{ token: 1, text: 'a', label: 'a', prob: 0.5 }] });
    await useAppStore.getState().runInspect({ kind: 'surprisal', text: null });
    request.mockClear();

    await useAppStore.getState().toggleAblation({ layer: 0, head: 2 });
    expect(request).toHaveBeenCalledWith('setAblations', { ablations: [{ unit: { layer: 0, head: 2 }, mode: 'zero' }] });
    expect(useAppStore.getState().ablated).toEqual(['L1 H3']);
    expect(refreshAttention).toHaveBeenCalledTimes(1);
    expect(runSample).toHaveBeenCalledTimes(1);
    expect(request).toHaveBeenCalledWith('inspect', { query: { kind: 'surprisal', text: null } });

    await useAppStore.getState().setAblationMode('mean');
    expect(request).toHaveBeenLastCalledWith('inspect', { query: { kind: 'surprisal', text: null } });
    expect(request).toHaveBeenCalledWith('setAblations', { ablations: [{ unit: { layer: 0, head: 2 }, mode: 'mean' }] });

    await useAppStore.getState().restoreAll();
    expect(request).toHaveBeenCalledWith('setAblations', { ablations: [] });
    expect(useAppStore.getState().ablations).toEqual([]);
    expect(runSample).toHaveBeenCalledTimes(3);
  });

  it('waits for a sample being written to stop before drawing it again', async () => {
    request.mockResolvedValue({ ablated: ['L1 MLP'] });
    const stopSample = vi.fn<() => void>();
    useAppStore.setState({ sampleBusy: true, stopSample });
    const done = useAppStore.getState().toggleAblation({ layer: 0, part: 'mlp' });
    await later();
    expect(stopSample).toHaveBeenCalled();
    expect(runSample).not.toHaveBeenCalled();
    useAppStore.setState({ sampleBusy: false });
    await done;
    expect(runSample).toHaveBeenCalledTimes(1);
  });

  it('puts the units back as they were when the worker refuses a change, and says why', async () => {
    request.mockResolvedValueOnce({ ablated: ['L1 H1'] });
    await useAppStore.getState().toggleAblation({ layer: 0, head: 0 });
    request.mockRejectedValueOnce(new Error('no such head'));
    await useAppStore.getState().toggleAblation({ layer: 1, head: 1 });
    expect(useAppStore.getState().ablations).toEqual([{ layer: 0, head: 0 }]);
    expect(useAppStore.getState().ablationError).toBe('no such head');
  });

  it('only the latest of several quick changes draws the views again', async () => {
    const replies: ((v: { ablated: string[] }) => void)[] = [];
    request.mockImplementation(() => new Promise((r) => replies.push(r)));
    const first = useAppStore.getState().toggleAblation({ layer: 0, head: 0 });
    const second = useAppStore.getState().toggleAblation({ layer: 0, head: 1 });
    replies[0]({ ablated: ['L1 H1'] });
    replies[1]({ ablated: ['L1 H1', 'L1 H2'] });
    await Promise.all([first, second]);
    expect(useAppStore.getState().ablated).toEqual(['L1 H1', 'L1 H2']);
    expect(refreshAttention).toHaveBeenCalledTimes(1);
  });

  it('drops results and ablations with the model, and ignores answers about an old one', async () => {
    let reply: (v: unknown) => void = () => undefined;
    request.mockResolvedValueOnce({ ablated: ['L1 H1'] });
    await useAppStore.getState().toggleAblation({ layer: 0, head: 0 });
    request.mockImplementation(() => new Promise((r) => (reply = r)));
    const pending = useAppStore.getState().runInspect({ kind: 'embeddings' });
    expect(useAppStore.getState().inspect.embeddings.busy).toBe(true);
    useAppStore.getState().invalidateModel();
    reply({ tokens: [], positions: [], explained: [0, 0] });
    await pending;
    const s = useAppStore.getState();
    expect(s.inspect.embeddings).toMatchObject({ result: null, busy: false });
    expect(s.ablations).toEqual([]);
    expect(s.ablated).toEqual([]);
  });

  it('keeps what a result was measured with, and shows an error next to the input named', async () => {
    request.mockResolvedValueOnce({ ablated: ['L1 H1'] });
    await useAppStore.getState().toggleAblation({ layer: 0, head: 0 });
    request.mockResolvedValueOnce({ position: 0, tokens: ['a'], rows: [] });
    await useAppStore.getState().runInspect({ kind: 'lens', prompt: 'a', position: -1 });
    expect(useAppStore.getState().inspect.lens).toMatchObject({ ablated: ['L1 H1'], query: { prompt: 'a' }, busy: false });

    request.mockRejectedValueOnce(new Error('the prompts differ in length'));
    await useAppStore.getState().runInspect({ kind: 'patch', clean: 'ab', corrupt: 'a', target: 'b' });
    expect(useAppStore.getState().inspect.patch.error).toEqual({ field: 'inputs', message: 'the prompts differ in length' });
    expect(errorField('patch', { code: 'target' })).toBe('target');
    expect(errorField('lens', { code: 'nonsense' })).toBe('prompt');
  });

  it('says there is no model instead of asking the worker', async () => {
    useAppStore.setState({ modelReport: null });
    await useAppStore.getState().runInspect({ kind: 'surprisal', text: 'abc' });
    expect(request).not.toHaveBeenCalled();
    expect(useAppStore.getState().inspect.surprisal.error?.field).toBe('text');
  });
});
