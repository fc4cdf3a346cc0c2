// HF BERT tensor names to the encoder's weight layout, each checked against the shape config.json implies.
import { SampError, SampErrorCode, type EncoderShape, type EncoderWeights, type LayerWeights } from '@samp/kernels-cuda';
import type { Checkpoint } from './checkpoint.js';
import type { BertConfig } from './config.js';

/** The prefix of the encoder's tensors: `bert.` in BertFor* checkpoints, nothing in a bare BertModel. */
export function encoderPrefix(ckpt: Checkpoint): string {
  for (const prefix of ['bert.', '']) if (ckpt.has(`${prefix}embeddings.word_embeddings.weight`)) return prefix;
  throw new SampError(
    SampErrorCode.ModelFormat,
    `The checkpoint in ${ckpt.dir} has no BERT embeddings (expected "bert.embeddings.word_embeddings.weight" or "embeddings.word_embeddings.weight")`,
  );
}

/** The encoder's shape from config.json and the checkpoint (whether it has a pooler). */
export function encoderShape(config: BertConfig, ckpt: Checkpoint): EncoderShape {
  const prefix = encoderPrefix(ckpt);
  return {
    vocab: config.vocabSize,
    hidden: config.hiddenSize,
    layers: config.numHiddenLayers,
    heads: config.numAttentionHeads,
    ffn: config.intermediateSize,
    maxPositions: config.maxPositionEmbeddings,
    typeVocab: config.typeVocabSize,
    eps: config.layerNormEps,
    hasPooler: ckpt.has(`${prefix}pooler.dense.weight`),
  };
}

function layerNorm(ckpt: Checkpoint, base: string, h: number): [Float32Array, Float32Array] {
  // old TF-converted checkpoints name LayerNorm parameters gamma / beta
  const g = ckpt.has(`${base}.weight`) ? `${base}.weight` : `${base}.gamma`;
  const b = ckpt.has(`${base}.bias`) ? `${base}.bias` : `${base}.beta`;
  return [ckpt.read(g, [h]), ckpt.read(b, [h])];
}

/** Reads every encoder weight as fp32. */
export function readEncoderWeights(ckpt: Checkpoint, shape: EncoderShape): EncoderWeights {
  const p = encoderPrefix(ckpt);
  const { hidden: H, ffn: F } = shape;
  const [embLnG, embLnB] = layerNorm(ckpt, `${p}embeddings.LayerNorm`, H);
  const layers: LayerWeights[] = [];
  for (let i = 0; i < shape.layers; i++) {
    const l = `${p}encoder.layer.${i}`;
    const qkvW = new Float32Array(3 * H * H);
    const qkvB = new Float32Array(3 * H);
    ['query', 'key', 'value'].forEach((part, j) => {
      qkvW.set(ckpt.read(`${l}.attention.self.${part}.weight`, [H, H]), j * H * H);
      qkvB.set(ckpt.read(`${l}.attention.self.${part}.bias`, [H]), j * H);
    });
    const [ln1G, ln1B] = layerNorm(ckpt, `${l}.attention.output.LayerNorm`, H);
    const [ln2G, ln2B] = layerNorm(ckpt, `${l}.output.LayerNorm`, H);
    layers.push({
      qkvW,
      qkvB,
      attnOutW: ckpt.read(`${l}.attention.output.dense.weight`, [H, H]),
      attnOutB: ckpt.read(`${l}.attention.output.dense.bias`, [H]),
      ln1G,
      ln1B,
      ffn1W: ckpt.read(`${l}.intermediate.dense.weight`, [F, H]),
      ffn1B: ckpt.read(`${l}.intermediate.dense.bias`, [F]),
      ffn2W: ckpt.read(`${l}.output.dense.weight`, [H, F]),
      ffn2B: ckpt.read(`${l}.output.dense.bias`, [H]),
      ln2G,
      ln2B,
    });
  }
  return {
    word: ckpt.read(`${p}embeddings.word_embeddings.weight`, [shape.vocab, H]),
    position: ckpt.read(`${p}embeddings.position_embeddings.weight`, [shape.maxPositions, H]),
    tokenType: ckpt.read(`${p}embeddings.token_type_embeddings.weight`, [shape.typeVocab, H]),
    embLnG,
    embLnB,
    layers,
    ...(shape.hasPooler
      ? { poolW: ckpt.read(`${p}pooler.dense.weight`, [H, H]), poolB: ckpt.read(`${p}pooler.dense.bias`, [H]) }
      : {}),
  };
}
