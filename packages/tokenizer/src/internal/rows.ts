// Packs unpadded rows into a few transferable buffers (worker -> main thread) and back.
import type { EncodingArrays } from './assemble.js';

/** Rows concatenated: per-row lengths and one buffer per field. */
export interface PackedRows {
  lengths: Int32Array;
  ids: Int32Array;
  typeIds: Int32Array;
  specialTokensMask: Uint8Array;
  sequenceIds: Int8Array;
  offsetStarts: Int32Array;
  offsetEnds: Int32Array;
  buffers: ArrayBuffer[];
}

const FIELDS = ['ids', 'typeIds', 'specialTokensMask', 'sequenceIds', 'offsetStarts', 'offsetEnds'] as const;

/** Concatenates rows (attention masks are all ones before padding, so they are not sent). */
export function packRows(rows: readonly EncodingArrays[]): PackedRows {
  const lengths = Int32Array.from(rows, (r) => r.ids.length);
  const total = lengths.reduce((a, b) => a + b, 0);
  const packed = {
    lengths,
    ids: new Int32Array(total),
    typeIds: new Int32Array(total),
    specialTokensMask: new Uint8Array(total),
    sequenceIds: new Int8Array(total),
    offsetStarts: new Int32Array(total),
    offsetEnds: new Int32Array(total),
  };
  let at = 0;
  for (const r of rows) {
    for (const f of FIELDS) packed[f].set(r[f], at);
    at += r.ids.length;
  }
  return { ...packed, buffers: [lengths.buffer, ...FIELDS.map((f) => packed[f].buffer as ArrayBuffer)] };
}

/** Views over packed rows, one EncodingArrays per row (no copy). */
export function unpackRows(p: PackedRows): EncodingArrays[] {
  const rows: EncodingArrays[] = [];
  let at = 0;
  for (const n of p.lengths) {
    const end = at + n;
    rows.push({
      ids: p.ids.subarray(at, end),
      typeIds: p.typeIds.subarray(at, end),
      attentionMask: new Int32Array(n).fill(1),
      specialTokensMask: p.specialTokensMask.subarray(at, end),
      sequenceIds: p.sequenceIds.subarray(at, end),
      offsetStarts: p.offsetStarts.subarray(at, end),
      offsetEnds: p.offsetEnds.subarray(at, end),
    });
    at = end;
  }
  return rows;
}
