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

/** Appends rows into growable arrays (one backing buffer); `finish` hands out views of what was written. */
export class RowBuilder implements RowFields {
  ids!: Int32Array;
  typeIds!: Int32Array;
  specialTokensMask!: Uint8Array;
  sequenceIds!: Int8Array;
  offsetStarts!: Int32Array;
  offsetEnds!: Int32Array;
  private readonly lengths: number[] = [];
  total = 0;

  constructor(capacity = 4096) {
    this.allocate(Math.max(capacity, 16));
  }

  private allocate(capacity: number): void {
    const old = this.total > 0 ? { ...this.fields() } : null;
    const buffer = new ArrayBuffer(capacity * 18);
    const int32 = (k: number) => new Int32Array(buffer, k * capacity * 4, capacity);
    this.ids = int32(0);
    this.typeIds = int32(1);
    this.offsetStarts = int32(2);
    this.offsetEnds = int32(3);
    this.specialTokensMask = new Uint8Array(buffer, capacity * 16, capacity);
    this.sequenceIds = new Int8Array(buffer, capacity * 17, capacity);
    if (old) for (const f of FIELDS) this[f].set(old[f].subarray(0, this.total) as never);
  }

  private fields(): RowFields {
    return {
      ids: this.ids,
      typeIds: this.typeIds,
      specialTokensMask: this.specialTokensMask,
      sequenceIds: this.sequenceIds,
      offsetStarts: this.offsetStarts,
      offsetEnds: this.offsetEnds,
    };
  }

  /** Makes room for a row of up to `n` tokens at offset `total`. */
  reserve(n: number): void {
    if (this.total + n > this.ids.length) this.allocate(Math.max(this.ids.length * 2, this.total + n));
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
  return [...new Set([p.lengths.buffer, ...FIELDS.map((f) => p[f].buffer)])] as ArrayBuffer[];
}
