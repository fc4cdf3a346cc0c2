// Random BERT weights of a given shape (seeded), for benchmarks and for tests of the loading path.
import type { EncoderShape, EncoderWeights } from '@samp/kernels-cuda';

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

/** Weights drawn like BERT's initializer (normal-ish, std 0.02), LayerNorm gamma 1 and beta 0. */
export function randomBertWeights(shape: EncoderShape, seed = 1): EncoderWeights {
  const next = rng(seed);
  const normal = (n: number, std = 0.02) => {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = (next() + next() + next() - 1.5) * 2 * std;
    return out;
  };
  const ones = (n: number) => new Float32Array(n).fill(1);
  const { hidden: H, ffn: F } = shape;
  return {
    word: normal(shape.vocab * H),
    position: normal(shape.maxPositions * H),
    tokenType: normal(shape.typeVocab * H),
    embLnG: ones(H),
    embLnB: new Float32Array(H),
    layers: Array.from({ length: shape.layers }, () => ({
      qkvW: normal(3 * H * H), qkvB: normal(3 * H),
      attnOutW: normal(H * H), attnOutB: normal(H),
      ln1G: ones(H), ln1B: new Float32Array(H),
      ffn1W: normal(F * H), ffn1B: normal(F),
      ffn2W: normal(H * F), ffn2B: normal(H),
      ln2G: ones(H), ln2B: new Float32Array(H),
    })),
    ...(shape.hasPooler ? { poolW: normal(H * H), poolB: normal(H) } : {}),
  };
}
