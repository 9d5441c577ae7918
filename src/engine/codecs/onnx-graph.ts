// An ONNX graph in memory and its encoding as a ModelProto, with the field numbers of the
// public onnx.proto (github.com/onnx/onnx, onnx/onnx.proto). Only what a feed-forward
// float32 model needs: nodes with int / float / ints / string attributes, initializers
// stored as raw little-endian bytes, tensor-typed graph inputs and outputs with fixed or
// symbolic dimensions, the default-domain opset and string metadata.
import { ProtoWriter } from './onnx-proto';

/** TensorProto.DataType values we use. */
export const ONNX_DTYPE = { float32: 1, int64: 7, bool: 9 } as const;
export type OnnxDType = keyof typeof ONNX_DTYPE;

/** AttributeProto.AttributeType values we use. */
export const ONNX_ATTR_TYPE = { float: 1, int: 2, string: 3, ints: 7 } as const;

export type OnnxAttr =
  | { type: 'int'; value: number }
  | { type: 'float'; value: number }
  | { type: 'ints'; value: number[] }
  | { type: 'string'; value: string };

export interface OnnxNode {
  opType: string;
  name: string;
  inputs: string[];
  outputs: string[];
  attrs: Record<string, OnnxAttr>;
}

export interface OnnxInitializer {
  name: string;
  dtype: OnnxDType;
  dims: number[];
  /** Row-major values; for bool, 0 or 1. */
  data: ArrayLike<number>;
}

/** A graph input or output: a number is a fixed dimension, a string a symbolic one. */
export interface OnnxValueInfo {
  name: string;
  dtype: OnnxDType;
  dims: (number | string)[];
}

export interface OnnxModel {
  irVersion: number;
  opset: number;
  producerName: string;
  producerVersion: string;
  docString: string;
  graphName: string;
  nodes: OnnxNode[];
  initializers: OnnxInitializer[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  metadata: Record<string, string>;
}

export const attrInt = (value: number): OnnxAttr => ({ type: 'int', value });
export const attrFloat = (value: number): OnnxAttr => ({ type: 'float', value });
export const attrInts = (value: number[]): OnnxAttr => ({ type: 'ints', value });

/**
 * Builds a graph node by node. Every value a node reads must already exist (a graph input, an
 * initializer or an earlier node's output), so the node list is topologically sorted as
 * ONNX requires, and a typo in a value name fails here rather than inside a runtime.
 */
export class GraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxInitializer[] = [];
  private defined = new Set<string>();
  private counter = 0;

  constructor(readonly inputs: OnnxValueInfo[]) {
    for (const i of inputs) this.define(i.name);
  }

  private define(name: string): void {
    if (this.defined.has(name)) throw new Error(`ONNX graph: value ${name} defined twice`);
    this.defined.add(name);
  }

  /** A name not used yet, for an intermediate value. */
  fresh(hint: string): string {
    let name: string;
    do name = `${hint}_${this.counter++}`;
    while (this.defined.has(name));
    return name;
  }

  /** Adds a constant tensor; returns its name. */
  initializer(name: string, dtype: OnnxDType, dims: number[], data: ArrayLike<number>): string {
    const n = dims.reduce((a, b) => a * b, 1);
    if (data.length !== n) throw new Error(`ONNX initializer ${name}: ${data.length} values for dims [${dims}]`);
    this.define(name);
    this.initializers.push({ name, dtype, dims: [...dims], data });
    return name;
  }

  /** Adds a node writing the values named `outputs`; returns them. */
  nodeTo(outputs: string[], opType: string, inputs: string[], attrs: Record<string, OnnxAttr> = {}): string[] {
    for (const i of inputs) {
      if (!this.defined.has(i)) throw new Error(`ONNX graph: ${opType} reads ${i}, which is not defined yet`);
    }
    for (const o of outputs) this.define(o);
    this.nodes.push({ opType, name: `${opType}_${this.nodes.length}`, inputs, outputs, attrs });
    return outputs;
  }

  /** Adds a node with `nOut` fresh outputs named after `hint`; returns their names. */
  nodeN(opType: string, inputs: string[], nOut: number, attrs: Record<string, OnnxAttr> = {}, hint = opType): string[] {
    const outputs: string[] = [];
    for (let k = 0; k < nOut; k++) outputs.push(this.fresh(hint));
    return this.nodeTo(outputs, opType, inputs, attrs);
  }

  /** Adds a node with one fresh output; returns its name. */
  node(opType: string, inputs: string[], attrs: Record<string, OnnxAttr> = {}, hint = opType): string {
    return this.nodeN(opType, inputs, 1, attrs, hint)[0];
  }
}

function tensorBytes(t: OnnxInitializer): Uint8Array {
  const n = t.data.length;
  if (t.dtype === 'bool') return Uint8Array.from(t.data, (v) => (v ? 1 : 0));
  const width = t.dtype === 'float32' ? 4 : 8;
  const out = new Uint8Array(n * width);
  const view = new DataView(out.buffer);
  // Explicitly little-endian, as TensorProto.raw_data requires, whatever the host's order.
  if (t.dtype === 'float32') for (let i = 0; i < n; i++) view.setFloat32(i * 4, t.data[i], true);
  else {
    for (let i = 0; i < n; i++) {
      if (!Number.isSafeInteger(t.data[i])) throw new Error(`ONNX initializer ${t.name}: ${t.data[i]} is not an integer`);
      view.setBigInt64(i * 8, BigInt(t.data[i]), true);
    }
  }
  return out;
}

function encodeTensor(t: OnnxInitializer): ProtoWriter {
  const w = new ProtoWriter();
  // dims is `repeated int64` in proto2 (not packed): one key per element.
  for (const d of t.dims) w.varint(1, d);
  w.varint(2, ONNX_DTYPE[t.dtype]);
  w.string(8, t.name);
  w.bytes(9, tensorBytes(t));
  return w;
}

function encodeValueInfo(v: OnnxValueInfo): ProtoWriter {
  const shape = new ProtoWriter();
  for (const d of v.dims) {
    const dim = new ProtoWriter();
    if (typeof d === 'number') dim.varint(1, d); // dim_value
    else dim.string(2, d); // dim_param
    shape.message(1, dim);
  }
  const tensorType = new ProtoWriter().varint(1, ONNX_DTYPE[v.dtype]).message(2, shape);
  const type = new ProtoWriter().message(1, tensorType);
  return new ProtoWriter().string(1, v.name).message(2, type);
}

function encodeAttr(name: string, a: OnnxAttr): ProtoWriter {
  const w = new ProtoWriter().string(1, name).varint(20, ONNX_ATTR_TYPE[a.type]);
  if (a.type === 'int') w.varint(3, a.value);
  else if (a.type === 'float') w.float(2, a.value);
  else if (a.type === 'string') w.string(4, a.value);
  else for (const v of a.value) w.varint(8, v);
  return w;
}

function encodeNode(n: OnnxNode): ProtoWriter {
  const w = new ProtoWriter();
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.name).string(4, n.opType);
  for (const [k, a] of Object.entries(n.attrs)) w.message(5, encodeAttr(k, a));
  return w;
}

/** The ModelProto bytes of a model. */
export function encodeModel(m: OnnxModel): Uint8Array {
  const graph = new ProtoWriter();
  for (const n of m.nodes) graph.message(1, encodeNode(n));
  graph.string(2, m.graphName);
  for (const t of m.initializers) graph.message(5, encodeTensor(t));
  for (const i of m.inputs) graph.message(11, encodeValueInfo(i));
  for (const o of m.outputs) graph.message(12, encodeValueInfo(o));

  const model = new ProtoWriter()
    .varint(1, m.irVersion)
    .string(2, m.producerName)
    .string(3, m.producerVersion)
    .string(6, m.docString)
    .message(7, graph)
    // The default domain is the empty string; leaving `domain` out means the same.
    .message(8, new ProtoWriter().string(1, '').varint(2, m.opset));
  for (const [key, value] of Object.entries(m.metadata)) {
    model.message(14, new ProtoWriter().string(1, key).string(2, value));
  }
  return model.finish();
}
