// The engine's worker: the only place where the app and the engine meet. It owns the GPU
// device; the page talks to it through the messages of protocol.ts.
import { InputError, toWireError } from './errors';
import { readCheckpoint } from './files';
import type { Reply, Request, ResultOf, WireError, WorkerMessage } from '../core/protocol';
import { DeviceKeeper } from './device-keeper';
import { probeDevice } from './probe';
import { Session } from './session';
import { recordBadDispatch } from './debug-hooks';
import { DeviceBenchmark } from './benchmark';

function post(msg: WorkerMessage): void {
  (self as unknown as Worker).postMessage(msg);
}

// The device is acquired on first use and again after a loss, which the session recovers from.
const devices = new DeviceKeeper({
  lost: (gpu, error) => {
    // deviceLost() reports its own failures; this catch is for a bug in it, so that nothing is left unhandled.
    session.deviceLost(gpu, error).catch((e: unknown) => post({ type: 'device-lost', error: toWireError(e), recovery: 'gave-up', step: null }));
  },
  uncapturedError: (_gpu, error) => session.gpuErrorOutsideStep(error),
});
const session = new Session(() => devices.get(), (e) => post(e));
const benchmark = new DeviceBenchmark({ device: () => devices.get(), session: () => session.benchmarkModel, emit: (e) => post(e) });

async function handle(req: Request): Promise<ResultOf[Request['type']]> {
  switch (req.type) {
    case 'probe':
      return probeDevice(await devices.get());
    case 'setData':
      return session.setData(req.text, req.tokenizer);
    case 'createModel':
      return session.createModel(req.model, req.train, req.backend, req.init);
    case 'train':
      return session.train(req.action);
    case 'updateTrain':
      return session.updateTrain(req.changes);
    case 'evaluate':
      return session.evaluate();
    case 'sample':
      return session.use(() => session.sample(req.id, req.prompt, req.options, req.halfWeights ?? false));
    case 'stopSample':
      return session.stopSample(req.sampleId);
    case 'attention':
      return session.use(() => session.attention(req.prompt));
    case 'getParams':
      return session.getParams();
    case 'getState':
      return session.getState();
    case 'logits':
      return session.use(() => session.logits(req.ids));
    case 'exportCheckpoint':
      return session.exportCheckpoint(req.demo);
    case 'readCheckpoint':
      return readCheckpoint(req.bytes);
    case 'exportOnnx':
      return session.exportOnnx();
    case 'verifyOnnx':
      return session.verifyOnnx(req.provider, req.prompt);
    case 'quantizedParams':
      return session.quantizedParams();
    case 'profile':
      return session.profile(req.what);
    case 'inspect':
      return session.use(() => session.inspect.query(req.query));
    case 'setAblations':
      return session.inspect.setAblations(req.ablations);
    case 'benchmark':
      return benchmark.run(req.steps);
    case 'dispose':
      await session.dispose();
      return null;
    case 'debugDestroyDevice':
      return { destroyed: await devices.destroyCurrent() };
    case 'debugBadDispatch':
      return session.recordIntoNextStep(recordBadDispatch);
    default:
      throw new Error(`unknown request ${(req as { type: string }).type}`);
  }
}

/**
 * A request that failed because the device was lost under it fails with a raw browser message
 * ("Failed to execute 'mapAsync' on 'GPUBuffer': …"): it is said in words instead.
 */
function requestError(e: unknown, lostMeanwhile: boolean): WireError {
  const aborted = e instanceof DOMException && e.name === 'AbortError';
  if (e instanceof InputError || (!lostMeanwhile && !aborted)) return toWireError(e);
  return { name: 'DeviceLostError', code: 'request', message: 'The GPU was reset while this was being done. The run is restored on a new device: try again in a moment.' };
}

// Every promise should have a handler; one that slipped through is a bug, reported to the page
// (whose console shows it, and whose tests fail on it) rather than left in the worker's console.
self.addEventListener('unhandledrejection', (ev: PromiseRejectionEvent) => post({ type: 'unhandled-error', error: toWireError(ev.reason) }));
self.addEventListener('error', (ev: ErrorEvent) => post({ type: 'unhandled-error', error: toWireError(ev.error ?? ev.message) }));

self.onmessage = async (ev: MessageEvent<Request>) => {
  const req = ev.data;
  const lossesBefore = devices.losses;
  let reply: Reply;
  try {
    reply = { id: req.id, ok: true, result: await handle(req) };
  } catch (e) {
    reply = { id: req.id, ok: false, error: requestError(e, devices.losses !== lossesBefore) };
  }
  post(reply);
};
