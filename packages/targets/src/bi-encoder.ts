// Bi-encoder matching: both texts of a pair are embedded on their own (the same encoder, the same pooling) and
// compared by cosine similarity, so embeddings of one side can be computed once and reused.
import { type Embedding, cosineSimilarity } from './sentence-embedder.js';

/** The result of a bi-encoder match: the cosine similarity of the two texts' embeddings, in [-1, 1]. */
export interface Similarity {
  score: number;
}

/** Pairs up embeddings laid out as [a0, b0, a1, b1, ...] into one similarity per pair. */
export function pairSimilarities(embeddings: readonly Embedding[]): Similarity[] {
  const out: Similarity[] = [];
  for (let i = 0; i + 1 < embeddings.length; i += 2) {
    out.push({ score: cosineSimilarity(embeddings[i]!.embedding, embeddings[i + 1]!.embedding) });
  }
  return out;
}
