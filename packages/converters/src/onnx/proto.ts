// A protobuf writer for the ONNX messages samp emits. Messages are lists of byte chunks, so a large tensor's bytes
// are copied once, into the final file.

function varintBytes(value: number | bigint): Uint8Array {
  let v = BigInt.asUintN(64, BigInt(value)); // negative int64: ten bytes of two's complement, as protobuf does
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return Uint8Array.from(out);
}

export class Message {
  readonly parts: Uint8Array[] = [];
  length = 0;

  #push(bytes: Uint8Array): this {
    this.parts.push(bytes);
    this.length += bytes.length;
    return this;
  }

  #key(field: number, wire: number): this {
    return this.#push(varintBytes((field << 3) | wire));
  }

  /** int32 / int64 / enum. */
  int(field: number, value: number | bigint): this {
    return this.#key(field, 0).#push(varintBytes(value));
  }

  float(field: number, value: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    return this.#key(field, 5).#push(b);
  }

  bytes(field: number, data: Uint8Array): this {
    return this.#key(field, 2).#push(varintBytes(data.length)).#push(data);
  }

  string(field: number, text: string): this {
    return this.bytes(field, Buffer.from(text, 'utf8'));
  }

  message(field: number, sub: Message): this {
    this.#key(field, 2).#push(varintBytes(sub.length));
    for (const p of sub.parts) this.#push(p);
    return this;
  }

  /** Repeated int64, one key per value (ONNX is proto2: unpacked is its default encoding). */
  ints(field: number, values: readonly number[]): this {
    for (const v of values) this.int(field, v);
    return this;
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.parts, this.length);
  }
}
