// Sentence embeddings: the [CLS] token's hidden state or the mean over the attention mask (as
// sentence-transformers pools), optionally L2-normalised.
import { type EncoderOutputs, invalidArgument } from '@samp/kernels-cuda';
import type { DecodeContext, Target } from './target.js';

/** How token states become one vector. */
export type Pooling = 'cls' | 'mean';

export interface Embedding {
  embedding: number[];
}

export class SentenceEmbedder implements Target<Embedding> {
  readonly name = 'sentence-embedding';
  readonly needsPooled = false;
  readonly pooling: Pooling;
  readonly normalize: boolean;

  constructor(options: { pooling?: Pooling; normalize?: boolean } = {}) {
    const pooling = options.pooling ?? 'mean';
    if (pooling !== 'cls' && pooling !== 'mean') invalidArgument('pooling', '"cls" or "mean"', pooling);
    this.pooling = pooling;
    this.normalize = options.normalize ?? false;
  }

  decode(outputs: EncoderOutputs, context: DecodeContext): Embedding[] {
    const H = outputs.hidden, S = outputs.seqLen, mask = context.encodings.attentionMask, x = outputs.lastHiddenState;
    const results: Embedding[] = [];
    for (let b = 0; b < outputs.batch; b++) {
      const v = new Float64Array(H);
      let count = 0;
      for (let t = 0; t < S; t++) {
        if (mask[b * S + t] === 0) continue;
        const row = x.subarray((b * S + t) * H, (b * S + t + 1) * H);
        for (let k = 0; k < H; k++) v[k]! += row[k]!;
        count++;
        if (this.pooling === 'cls') break; // the first valid token is [CLS]
      }
      let scale = 1 / Math.max(count, 1);
      if (this.normalize) {
        let sq = 0;
        for (let k = 0; k < H; k++) sq += v[k]! * v[k]!;
        scale = sq > 0 ? 1 / Math.sqrt(sq) : 1; // the mean's norm: the count cancels
      }
      const embedding = new Array<number>(H);
      for (let k = 0; k < H; k++) embedding[k] = v[k]! * scale;
      results.push({ embedding });
    }
    return results;
  }
}

/** Cosine similarity of two vectors (bi-encoder matching). */
export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) invalidArgument('b', `a vector of ${a.length} values`, `${b.length} values`);
  let dot = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return dot / (Math.sqrt(na * nb) || 1);
}
