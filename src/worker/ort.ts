// onnxruntime-web, loaded on demand with its WebAssembly binary served by us (Vite, from
// node_modules), never from a CDN: the app must work offline and from any static host.
//
// Which files: in onnxruntime-web 1.30 the package's main entry ('onnxruntime-web', resolved
// to dist/ort.bundle.min.mjs for a browser `import`) is the JSEP build. Its one binary,
// ort-wasm-simd-threaded.jsep.wasm, runs both the 'wasm' (CPU) and the 'webgpu' execution
// providers, and its Emscripten glue (ort-wasm-simd-threaded.jsep.mjs) is embedded in the
// bundle, which uses it when single-threaded and given the .wasm location, as here. (The
// 'onnxruntime-web/webgpu' entry is a different build, the native WebGPU EP compiled with
// Asyncify, ort-wasm-simd-threaded.asyncify.{mjs,wasm}; we do not use it.)
import wasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm?url';

export type Ort = typeof import('onnxruntime-web');
export type OrtProvider = 'wasm' | 'webgpu';

/** The model or the input could not be run; the message says which and why. */
export class OnnxRunError extends Error {
  override name = 'OnnxRunError';
}

let loading: Promise<Ort> | null = null;

/** The onnxruntime-web module, configured once: single-threaded, binary from our own origin. */
export function loadOrt(): Promise<Ort> {
  loading ??= (async () => {
    const ort = await import('onnxruntime-web');
    // Threads need SharedArrayBuffer, i.e. cross-origin isolation, which a static host
    // rarely gives; one thread also keeps the embedded glue usable (see above).
    ort.env.wasm.numThreads = 1;
    ort.env.wasm.proxy = false;
    // ORT wants an absolute URL; Vite's may be relative to the page (base './').
    ort.env.wasm.wasmPaths = { wasm: new URL(wasmUrl, globalThis.location?.href).href };
    return ort;
  })().catch((e: unknown) => {
    loading = null; // let a later call retry, e.g. after a network hiccup
    throw new OnnxRunError(`Could not load onnxruntime-web: ${message(e)}`);
  });
  return loading;
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * Runs an exported model (input "input_ids" int64 (1, T), output "logits" float32 (1, T, V))
 * on token ids with the given execution provider and returns the logits (T, V) row-major.
 * The provider is not swapped silently: if it cannot start, this throws and says so.
 */
export async function runOnnx(model: Uint8Array, ids: number[], provider: OrtProvider): Promise<Float32Array> {
  if (provider !== 'wasm' && provider !== 'webgpu') throw new OnnxRunError(`Unknown execution provider ${String(provider)}.`);
  if (!Array.isArray(ids) || ids.length === 0) throw new OnnxRunError('The model needs at least one token id.');
  ids.forEach((id, i) => {
    if (!Number.isSafeInteger(id) || id < 0) throw new OnnxRunError(`Token id ${String(id)} at position ${i} is not a non-negative integer.`);
  });
  const ort = await loadOrt();
  let session: Awaited<ReturnType<Ort['InferenceSession']['create']>>;
  try {
    session = await ort.InferenceSession.create(model, { executionProviders: [provider], logSeverityLevel: 3 });
  } catch (e) {
    throw new OnnxRunError(`onnxruntime-web (${provider}) could not load the model: ${message(e)}`);
  }
  try {
    const V = checkSignature(session.inputMetadata, session.outputMetadata);
    const bad = V === null ? -1 : ids.findIndex((id) => id >= V);
    if (bad >= 0) throw new OnnxRunError(`Token id ${ids[bad]} at position ${bad} is outside the model's vocabulary of ${V}.`);
    const T = ids.length;
    const input = new ort.Tensor('int64', BigInt64Array.from(ids, (id) => BigInt(id)), [1, T]);
    let out: Awaited<ReturnType<typeof session.run>>;
    try {
      out = await session.run({ input_ids: input });
    } catch (e) {
      throw new OnnxRunError(`onnxruntime-web (${provider}) failed on ${T} tokens: ${message(e)}`);
    }
    const logits = out.logits;
    const dims = logits.dims;
    if (logits.type !== 'float32' || dims.length !== 3 || dims[0] !== 1 || dims[1] !== T) {
      throw new OnnxRunError(`The model's logits are ${logits.type} [${dims.join(', ')}], expected float32 [1, ${T}, V].`);
    }
    // A copy, so that the result outlives the session and any buffer the runtime reuses.
    return Float32Array.from(logits.data as Float32Array);
  } finally {
    await session.release();
  }
}

type Metadata = Awaited<ReturnType<Ort['InferenceSession']['create']>>['inputMetadata'];

/** Checks the model has our input and output; returns the vocabulary size V when declared. */
function checkSignature(inputs: Metadata, outputs: Metadata): number | null {
  const input = inputs.find((m) => m.name === 'input_ids');
  const output = outputs.find((m) => m.name === 'logits');
  if (!input || !output) {
    const names = (ms: Metadata) => ms.map((m) => m.name).join(', ') || 'none';
    throw new OnnxRunError(`Not a GPT Playground model: expected input input_ids and output logits, found inputs ${names(inputs)} and outputs ${names(outputs)}.`);
  }
  if (input.isTensor && input.type !== 'int64') throw new OnnxRunError(`The model's input_ids are ${input.type}, expected int64.`);
  if (!output.isTensor) return null;
  const V = output.shape[2];
  return typeof V === 'number' && V > 0 ? V : null;
}
