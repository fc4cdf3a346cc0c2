// Lays encoded rows out as padded [batch x seqLen] matrices.
import type { PaddingConfig } from '../config.js';
import { type BatchEncoding, Encoding } from '../encoding.js';
import { type EncodingArrays, paddedLength } from './assemble.js';

/** Pads encoded rows to one length and lays them out as matrices. */
export function assembleBatch(rows: readonly EncodingArrays[], padding: PaddingConfig, idToToken: (id: number) => string): BatchEncoding {
  const longest = rows.reduce((m, r) => Math.max(m, r.ids.length), 0);
  const seqLen = Math.max(longest, paddedLength(padding, longest));
  const batchSize = rows.length;
  const ids = new Int32Array(batchSize * seqLen);
  const typeIds = new Int32Array(batchSize * seqLen);
  const attentionMask = new Int32Array(batchSize * seqLen);
  const lengths = new Int32Array(batchSize);
  const encodings = rows.map((r, i) => {
    const n = r.ids.length;
    lengths[i] = n;
    const base = i * seqLen;
    const at = base + (padding.direction === 'left' ? seqLen - n : 0);
    const padFrom = padding.direction === 'left' ? base : base + n;
    ids.fill(padding.padId, padFrom, padFrom + seqLen - n);
    typeIds.fill(padding.padTypeId, padFrom, padFrom + seqLen - n);
    ids.set(r.ids, at);
    typeIds.set(r.typeIds, at);
    attentionMask.set(r.attentionMask, at);
    const row = (a: Int32Array) => a.subarray(base, base + seqLen);
    return new Encoding(
      {
        ids: row(ids),
        typeIds: row(typeIds),
        attentionMask: row(attentionMask),
        specialTokensMask: padTo(r.specialTokensMask, seqLen, at - base, 1),
        sequenceIds: padTo(r.sequenceIds, seqLen, at - base, -1),
        offsetStarts: padTo(r.offsetStarts, seqLen, at - base, 0),
        offsetEnds: padTo(r.offsetEnds, seqLen, at - base, 0),
      },
      idToToken,
    );
  });
  return Object.freeze({ batchSize, seqLen, ids, typeIds, attentionMask, lengths, encodings });
}

function padTo<T extends Int32Array | Uint8Array | Int8Array>(a: T, length: number, at: number, fill: number): T {
  if (a.length === length) return a;
  const out = new (a.constructor as new (n: number) => T)(length);
  out.fill(fill);
  out.set(a, at);
  return out;
}
