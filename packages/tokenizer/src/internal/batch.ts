// Lays encoded rows out as padded [batch x seqLen] matrices.
import type { PaddingConfig } from '../config.js';
import { type BatchEncoding, Encoding } from '../encoding.js';
import { type EncodingArrays, paddedLength } from './assemble.js';

/** Pads encoded rows to one length and lays them out as matrices. */
export function assembleBatch(
  rows: readonly EncodingArrays[],
  padding: PaddingConfig,
  idToToken: (id: number) => string,
): BatchEncoding {
  const longest = rows.reduce((m, r) => Math.max(m, r.ids.length), 0);
  const seqLen = Math.max(longest, paddedLength(padding, longest));
  const batchSize = rows.length;
  const ids = new Int32Array(batchSize * seqLen);
  const typeIds = new Int32Array(batchSize * seqLen);
  const attentionMask = new Int32Array(batchSize * seqLen);
  const lengths = new Int32Array(batchSize);
  const left = padding.direction === 'left';
  rows.forEach((r, i) => {
    const n = r.ids.length;
    lengths[i] = n;
    const base = i * seqLen;
    const at = base + (left ? seqLen - n : 0);
    const padFrom = left ? base : base + n;
    if (padding.padId !== 0) ids.fill(padding.padId, padFrom, padFrom + seqLen - n);
    if (padding.padTypeId !== 0) typeIds.fill(padding.padTypeId, padFrom, padFrom + seqLen - n);
    ids.set(r.ids, at);
    typeIds.set(r.typeIds, at);
    attentionMask.set(r.attentionMask, at);
  });
  let encodings: Encoding[] | undefined;
  const rowEncoding = (r: EncodingArrays, i: number): Encoding => {
    const base = i * seqLen;
    const shift = left ? seqLen - r.ids.length : 0;
    const row = (a: Int32Array) => a.subarray(base, base + seqLen);
    return new Encoding(
      {
        ids: row(ids),
        typeIds: row(typeIds),
        attentionMask: row(attentionMask),
        specialTokensMask: padTo(r.specialTokensMask, seqLen, shift, 1),
        sequenceIds: padTo(r.sequenceIds, seqLen, shift, -1),
        offsetStarts: padTo(r.offsetStarts, seqLen, shift, 0),
        offsetEnds: padTo(r.offsetEnds, seqLen, shift, 0),
      },
      idToToken,
    );
  };
  return Object.freeze({
    batchSize,
    seqLen,
    ids,
    typeIds,
    attentionMask,
    lengths,
    get encodings(): readonly Encoding[] {
      encodings ??= rows.map(rowEncoding);
      return encodings;
    },
  });
}

function padTo<T extends Int32Array | Uint8Array | Int8Array>(a: T, length: number, at: number, fill: number): T {
  if (a.length === length) return a;
  const out = new (a.constructor as new (n: number) => T)(length);
  out.fill(fill);
  out.set(a, at);
  return out;
}
