// A helper thread of the CPU engine (DataParallelGPT): holds a float32 model and runs it on
// the share of each batch it is sent, with the parameters that come with the request.
import { paramLayout } from '../../core/params';
import { CpuGPT } from './model';
import { runShare, type HelperReply, type HelperRequest } from './shares';

let model: CpuGPT | null = null;

function post(msg: HelperReply, transfer: Transferable[] = []): void {
  (self as unknown as Worker).postMessage(msg, transfer);
}

self.onmessage = (ev: MessageEvent<HelperRequest>) => {
  const req = ev.data;
  if (req.type === 'init') {
    model = new CpuGPT(req.config, new Float32Array(paramLayout(req.config, req.opts.alignBytes).totalElems), req.opts);
    return;
  }
  try {
    if (!model) throw new Error('the CPU helper was not initialised');
    model.params.set(req.params);
    const sums = runShare(model, req.kind, req.batches, req.Bs, req.T, req.scale);
    if (req.kind === 'gradient') req.grads.set(model.grads);
    post({ id: req.id, ok: true, params: req.params, grads: req.grads, sums }, [req.params.buffer, req.grads.buffer, sums.buffer]);
  } catch (e) {
    post({ id: req.id, ok: false, params: req.params, grads: req.grads, message: e instanceof Error ? e.message : String(e) }, [req.params.buffer, req.grads.buffer]);
  }
};
