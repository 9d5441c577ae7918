// The engine's worker: the only place where the app and the engine meet. It owns the GPU
// device; the page talks to it through the messages of protocol.ts.
import { toWireError } from './errors';
import { readCheckpoint } from './files';
import type { Reply, Request, ResultOf, WorkerMessage } from '../core/protocol';
import { WorkerDevice } from './device';
import { probeDevice } from './probe';
import { Session } from './session';

let device: Promise<WorkerDevice> | null = null;

/** The device and its kernel configuration, acquired on first use and again after a loss. */
function getDevice(): Promise<WorkerDevice> {
  if (!device) {
    device = WorkerDevice.open();
    device.then(
      (d) => {
        d.gpu.onLost((error) => {
          device = null; // the next request acquires a new device
          post({ type: 'device-lost', error: toWireError(error) });
        });
      },
      () => (device = null),
    );
  }
  return device;
}

function post(msg: WorkerMessage): void {
  (self as unknown as Worker).postMessage(msg);
}

const session = new Session(getDevice, (e) => post(e));

async function handle(req: Request): Promise<ResultOf[Request['type']]> {
  switch (req.type) {
    case 'probe':
      return probeDevice(await getDevice());
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
      return session.sample(req.id, req.prompt, req.options, req.halfWeights ?? false);
    case 'stopSample':
      return session.stopSample(req.sampleId);
    case 'attention':
      return session.attention(req.prompt);
    case 'getParams':
      return session.getParams();
    case 'getState':
      return session.getState();
    case 'logits':
      return session.logits(req.ids);
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
    case 'dispose':
      await session.dispose();
      return null;
    default:
      throw new Error(`unknown request ${(req as { type: string }).type}`);
  }
}

self.onmessage = async (ev: MessageEvent<Request>) => {
  const req = ev.data;
  let reply: Reply;
  try {
    reply = { id: req.id, ok: true, result: await handle(req) };
  } catch (e) {
    reply = { id: req.id, ok: false, error: toWireError(e) };
  }
  post(reply);
};
