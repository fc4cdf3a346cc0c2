// Writing HF BERT model directories (config.json + model.safetensors) from encoder weights: the inverse of
// readEncoderWeights, for models made with samp's own tools (demo models, tests, converters).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EncoderShape, EncoderWeights } from '@samp/kernels-cuda';
import { type TensorToWrite, writeSafetensors } from './safetensors-write.js';

/** The encoder's tensors under HF names (`bert.` prefix, query / key / value split again). */
export function bertTensors(shape: EncoderShape, w: EncoderWeights, dtype: 'F32' | 'F16' = 'F32'): Record<string, TensorToWrite> {
  const H = shape.hidden, F = shape.ffn;
  const t: Record<string, TensorToWrite> = {};
  const put = (name: string, data: Float32Array, s: number[]) => (t[`bert.${name}`] = { data, shape: s, dtype });
  put('embeddings.word_embeddings.weight', w.word, [shape.vocab, H]);
  put('embeddings.position_embeddings.weight', w.position, [shape.maxPositions, H]);
  put('embeddings.token_type_embeddings.weight', w.tokenType, [shape.typeVocab, H]);
  put('embeddings.LayerNorm.weight', w.embLnG, [H]);
  put('embeddings.LayerNorm.bias', w.embLnB, [H]);
  w.layers.forEach((l, i) => {
    const p = `encoder.layer.${i}`;
    ['query', 'key', 'value'].forEach((part, j) => {
      put(`${p}.attention.self.${part}.weight`, l.qkvW.slice(j * H * H, (j + 1) * H * H), [H, H]);
      put(`${p}.attention.self.${part}.bias`, l.qkvB.slice(j * H, (j + 1) * H), [H]);
    });
    put(`${p}.attention.output.dense.weight`, l.attnOutW, [H, H]);
    put(`${p}.attention.output.dense.bias`, l.attnOutB, [H]);
    put(`${p}.attention.output.LayerNorm.weight`, l.ln1G, [H]);
    put(`${p}.attention.output.LayerNorm.bias`, l.ln1B, [H]);
    put(`${p}.intermediate.dense.weight`, l.ffn1W, [F, H]);
    put(`${p}.intermediate.dense.bias`, l.ffn1B, [F]);
    put(`${p}.output.dense.weight`, l.ffn2W, [H, F]);
    put(`${p}.output.dense.bias`, l.ffn2B, [H]);
    put(`${p}.output.LayerNorm.weight`, l.ln2G, [H]);
    put(`${p}.output.LayerNorm.bias`, l.ln2B, [H]);
  });
  if (w.poolW && w.poolB) {
    put('pooler.dense.weight', w.poolW, [H, H]);
    put('pooler.dense.bias', w.poolB, [H]);
  }
  return t;
}

/** config.json for an encoder shape (BERT, GELU, absolute positions), plus any extra fields. */
export function bertConfigJson(shape: EncoderShape, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    model_type: 'bert',
    architectures: ['BertModel'],
    vocab_size: shape.vocab,
    hidden_size: shape.hidden,
    num_hidden_layers: shape.layers,
    num_attention_heads: shape.heads,
    intermediate_size: shape.ffn,
    max_position_embeddings: shape.maxPositions,
    type_vocab_size: shape.typeVocab,
    layer_norm_eps: shape.eps,
    hidden_act: 'gelu',
    ...extra,
  };
}

export interface WriteBertModelOptions {
  /** Stored dtype of every tensor (default F32). */
  dtype?: 'F32' | 'F16';
  /** Fields added to config.json (architectures, id2label, label2id, ...). */
  config?: Record<string, unknown>;
  /** Tensors besides the encoder's (a head: `classifier.weight`, ...), stored with their own dtype. */
  extra?: Record<string, TensorToWrite>;
}

/** Writes `dir/config.json` and `dir/model.safetensors` (creating dir); returns dir. The tokenizer files are the
 * caller's to add. */
export function writeBertModel(dir: string, shape: EncoderShape, weights: EncoderWeights, options: WriteBertModelOptions = {}): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), `${JSON.stringify(bertConfigJson(shape, options.config), null, 2)}\n`);
  writeSafetensors(join(dir, 'model.safetensors'), { ...bertTensors(shape, weights, options.dtype), ...options.extra });
  return dir;
}
