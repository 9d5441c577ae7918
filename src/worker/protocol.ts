// The one typed message protocol between the app and the engine worker. Requests carry an
// id; each gets exactly one reply with the same id. Errors cross as plain data.

export interface AdapterReport {
  description: string;
  isFallback: boolean;
  features: string[];
  limits: Record<string, number>;
  shaders: { file: string; ok: boolean }[];
}

export type Request = { id: number; type: 'probe' };

export type RequestType = Request['type'];

export interface ResultOf {
  probe: AdapterReport;
}

/** An error as it crosses the worker boundary: enough for a specific message in the UI. */
export interface WireError {
  name: string; // 'GpuUnavailableError' | 'ShaderCompileError' | 'DeviceLostError' | 'ShapeError' | 'Error'
  message: string;
  /** GpuUnavailableError.reason, ShaderCompileError file:line, ... */
  code?: string;
  details?: Record<string, string | number | boolean>;
}

export type Reply =
  | { id: number; ok: true; result: ResultOf[RequestType] }
  | { id: number; ok: false; error: WireError };

/** Unsolicited messages from the worker (device loss, later: metrics and samples). */
export type Event = { type: 'device-lost'; error: WireError };

export type WorkerMessage = Reply | ({ id?: undefined } & Event);
