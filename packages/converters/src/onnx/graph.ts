// Building an ONNX ModelProto: nodes, initializers, typed graph inputs and outputs with symbolic dimensions.
import { Message } from './proto.js';

/** ONNX TensorProto.DataType values used here. */
export const ElemType = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7 } as const;
const AttrType = { FLOAT: 1, INT: 2, FLOATS: 6, INTS: 7 } as const;

export type Attr = { name: string; f: number } | { name: string; i: number } | { name: string; ints: number[] } | { name: string; floats: number[] };

/** A dimension: a size, or a symbolic name (`batch`, `sequence`). */
export type Dim = number | string;

function valueInfo(name: string, elem: number, dims: readonly Dim[]): Message {
  const shape = new Message();
  for (const d of dims) shape.message(1, typeof d === 'number' ? new Message().int(1, d) : new Message().string(2, d));
  const tensor = new Message().int(1, elem).message(2, shape);
  return new Message().string(1, name).message(2, new Message().message(1, tensor));
}

export class GraphBuilder {
  readonly #nodes: Message[] = [];
  readonly #inits: Message[] = [];
  readonly #inputs: Message[] = [];
  readonly #outputs: Message[] = [];
  #count = 0;
  /** Bytes of initializer data so far. */
  initializerBytes = 0;

  #fresh(hint: string): string {
    return `${hint}_${this.#count++}`;
  }

  input(name: string, elem: number, dims: readonly Dim[]): string {
    this.#inputs.push(valueInfo(name, elem, dims));
    return name;
  }

  output(name: string, elem: number, dims: readonly Dim[]): void {
    this.#outputs.push(valueInfo(name, elem, dims));
  }

  /** A constant tensor (raw little-endian bytes). */
  initializer(name: string, elem: number, dims: readonly number[], raw: Uint8Array): string {
    this.#inits.push(new Message().ints(1, dims).int(2, elem).string(8, name).bytes(9, raw));
    this.initializerBytes += raw.length;
    return name;
  }

  floats(hint: string, values: Float32Array, dims: readonly number[]): string {
    return this.initializer(this.#fresh(hint), ElemType.FLOAT, dims, new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  }

  /** A float scalar (dims []) or a 1-D float constant. */
  scalar(value: number): string {
    return this.floats('c', Float32Array.of(value), []);
  }

  int64s(values: readonly number[], dims: readonly number[] = [values.length]): string {
    const raw = new Uint8Array(8 * values.length);
    const view = new DataView(raw.buffer);
    values.forEach((v, i) => view.setBigInt64(8 * i, BigInt(v), true));
    return this.initializer(this.#fresh('i'), ElemType.INT64, dims, raw);
  }

  /** Adds a node; returns the names of its outputs. */
  nodeN(op: string, inputs: readonly string[], outputs: number | readonly string[], attrs: readonly Attr[] = []): string[] {
    const outs = typeof outputs === 'number' ? Array.from({ length: outputs }, () => this.#fresh(op)) : [...outputs];
    const m = new Message();
    for (const i of inputs) m.string(1, i);
    for (const o of outs) m.string(2, o);
    m.string(3, this.#fresh(`${op}_node`)).string(4, op);
    for (const a of attrs) {
      const am = new Message().string(1, a.name);
      if ('f' in a) am.float(2, a.f).int(20, AttrType.FLOAT);
      else if ('i' in a) am.int(3, a.i).int(20, AttrType.INT);
      else if ('ints' in a) am.ints(8, a.ints).int(20, AttrType.INTS);
      else {
        for (const f of a.floats) am.float(7, f);
        am.int(20, AttrType.FLOATS);
      }
      m.message(5, am);
    }
    this.#nodes.push(m);
    return outs;
  }

  node(op: string, inputs: readonly string[], attrs: readonly Attr[] = [], output?: string): string {
    return this.nodeN(op, inputs, output ? [output] : 1, attrs)[0]!;
  }

  /** The ModelProto bytes (IR 8, opset 17). */
  model(name: string, producerVersion: string): Buffer {
    const graph = new Message();
    for (const n of this.#nodes) graph.message(1, n);
    graph.string(2, name);
    for (const i of this.#inits) graph.message(5, i);
    for (const i of this.#inputs) graph.message(11, i);
    for (const o of this.#outputs) graph.message(12, o);
    const opset = new Message().string(1, '').int(2, 17);
    return new Message().int(1, 8).string(2, 'samp').string(3, producerVersion).message(7, graph).message(8, opset).toBuffer();
  }
}
