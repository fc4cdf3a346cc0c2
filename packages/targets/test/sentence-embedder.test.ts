// Sentence pooling on known hidden states: CLS is the first valid token, mean follows the attention mask.
import { describe, expect, it } from 'vitest';
import type { BatchEncoding } from '@samp/tokenizer';
import { cosineSimilarity, SentenceEmbedder } from '../src/index.js';

// batch of 2, seqLen 3, hidden 2; row 1 has one padding position
const outputs = {
  lastHiddenState: Float32Array.from([1, 2, 3, 4, 5, 6, /* row 1 */ 2, 0, 4, 0, 0, 0]),
  pooled: null,
  batch: 2,
  seqLen: 3,
  hidden: 2,
};
const context = { encodings: { attentionMask: Int32Array.from([1, 1, 1, 1, 1, 0]) } as unknown as BatchEncoding, texts: ['a', 'b'] };

describe('SentenceEmbedder', () => {
  it('mean pooling over the mask, CLS pooling, and L2 normalisation', () => {
    expect(new SentenceEmbedder().decode(outputs, context).map((e) => e.embedding)).toEqual([[3, 4], [3, 0]]);
    expect(new SentenceEmbedder({ pooling: 'cls' }).decode(outputs, context).map((e) => e.embedding)).toEqual([[1, 2], [2, 0]]);
    const [a] = new SentenceEmbedder({ normalize: true }).decode(outputs, context);
    expect(a!.embedding[0]).toBeCloseTo(0.6, 12);
    expect(a!.embedding[1]).toBeCloseTo(0.8, 12);
  });

  it('rejects an unknown pooling; cosine similarity', () => {
    expect(() => new SentenceEmbedder({ pooling: 'max' as never })).toThrow(/"cls" or "mean"/);
    expect(cosineSimilarity([1, 0], [0, 1])).toBe(0);
    expect(cosineSimilarity([3, 4], [6, 8])).toBeCloseTo(1, 12);
    expect(() => cosineSimilarity([1], [1, 2])).toThrow(/a vector of 1 values/);
  });
});
