// Unpadded encodings of many inputs packed end to end in a few typed arrays (batch path, worker transfers).

/** Rows concatenated: per-row lengths and one array per field (attention is all ones before padding). */
export interface PackedRows {
  lengths: Int32Array;
  ids: Int32Array;
  typeIds: Int32Array;
  specialTokensMask: Uint8Array;
  sequenceIds: Int8Array;
  offsetStarts: Int32Array;
  offsetEnds: Int32Array;
}

/** Fields a row is written into, at some offset. */
export type RowFields = Omit<PackedRows, 'lengths'>;

const FIELDS = ['ids', 'typeIds', 'specialTokensMask', 'sequenceIds', 'offsetStarts', 'offsetEnds'] as const;

function grown<T extends Int32Array | Uint8Array | Int8Array>(a: T, size: number): T {
  const out = new (a.constructor as new (n: number) => T)(size);
  out.set(a);
  return out;
}

/** Appends rows into growable arrays; `finish` hands out views of what was written. */
export class RowBuilder implements RowFields {
  ids: Int32Array;
  typeIds: Int32Array;
  specialTokensMask: Uint8Array;
  sequenceIds: Int8Array;
  offsetStarts: Int32Array;
  offsetEnds: Int32Array;
  private readonly lengths: number[] = [];
  total = 0;

  constructor(capacity = 4096) {
    this.ids = new Int32Array(capacity);
    this.typeIds = new Int32Array(capacity);
    this.specialTokensMask = new Uint8Array(capacity);
    this.sequenceIds = new Int8Array(capacity);
    this.offsetStarts = new Int32Array(capacity);
    this.offsetEnds = new Int32Array(capacity);
  }

  /** Makes room for a row of up to `n` tokens at offset `total`. */
  reserve(n: number): void {
    if (this.total + n <= this.ids.length) return;
    const size = Math.max(this.ids.length * 2, this.total + n);
    for (const f of FIELDS) (this as RowFields)[f] = grown((this as RowFields)[f], size) as never;
  }

  /** Records that the row just written at `total` holds `n` tokens. */
  endRow(n: number): void {
    this.lengths.push(n);
    this.total += n;
  }

  finish(): PackedRows {
    const t = this.total;
    return {
      lengths: Int32Array.from(this.lengths),
      ids: this.ids.subarray(0, t),
      typeIds: this.typeIds.subarray(0, t),
      specialTokensMask: this.specialTokensMask.subarray(0, t),
      sequenceIds: this.sequenceIds.subarray(0, t),
      offsetStarts: this.offsetStarts.subarray(0, t),
      offsetEnds: this.offsetEnds.subarray(0, t),
    };
  }
}

/** The buffers to transfer to another thread. */
export function transferList(p: PackedRows): ArrayBuffer[] {
  return [p.lengths.buffer, ...FIELDS.map((f) => p[f].buffer)] as ArrayBuffer[];
}
