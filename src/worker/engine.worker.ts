// The engine's worker: the only place where the app and the engine meet. It owns the GPU
// device; the page talks to it through the messages of protocol.ts.
import { acquireGpu, describeAdapter, type Gpu } from '../engine/gpu/device';
import { compileModule } from '../engine/gpu/pipelines';
import { allShaders } from '../engine/kernels/shaders';
import { tuneMatmul } from '../engine/kernels/tuning';
import { toWireError } from './errors';
import type { AdapterReport, Reply, Request, ResultOf, WorkerMessage } from '../core/protocol';
import { Session } from './session';

let gpu: Promise<Gpu> | null = null;

function getGpu(): Promise<Gpu> {
  if (!gpu) {
    gpu = acquireGpu();
    gpu.then(
      (g) => {
        g.onLost((error) => {
          gpu = null; // the next request acquires a new device
          post({ type: 'device-lost', error: toWireError(error) });
        });
        // On a GPU, measure the matmul tiles in the background; every tile gives the same
        // results, so plans built before it finishes are only slower, never different.
        if (!g.adapter.isFallback) tuneMatmul(g).catch(() => {});
      },
      () => (gpu = null),
    );
  }
  return gpu;
}

function post(msg: WorkerMessage): void {
  (self as unknown as Worker).postMessage(msg);
}

async function probe(): Promise<AdapterReport> {
  const g = await getGpu();
  const limits: Record<string, number> = {};
  for (const key of [
    'maxBufferSize',
    'maxStorageBufferBindingSize',
    'maxComputeWorkgroupStorageSize',
    'maxComputeInvocationsPerWorkgroup',
    'maxStorageBuffersPerShaderStage',
    'minStorageBufferOffsetAlignment',
  ] as const) {
    limits[key] = g.limits[key];
  }
  const shaders: AdapterReport['shaders'] = [];
  for (const s of allShaders) {
    await compileModule(g.device, s); // throws a ShaderCompileError naming file and line
    shaders.push({ file: s.file, ok: true });
  }
  return {
    description: describeAdapter(g.adapter),
    isFallback: g.adapter.isFallback,
    features: [...g.features].sort(),
    limits,
    shaders,
  };
}

const session = new Session(getGpu, (e) => post(e));

async function handle(req: Request): Promise<ResultOf[Request['type']]> {
  switch (req.type) {
    case 'probe':
      return probe();
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
    case 'attention':
      return session.attention(req.prompt);
    case 'getParams':
      return session.getParams();
    case 'getState':
      return session.getState();
    case 'logits':
      return session.logits(req.ids);
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
