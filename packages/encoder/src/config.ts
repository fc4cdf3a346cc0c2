// config.json of an HF BERT model, read and checked: the shape samp needs plus the fields heads use.
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { SampError, SampErrorCode } from '@samp/kernels-cuda';

/** The fields of config.json that samp uses. */
export interface BertConfig {
  modelType: string;
  architectures: string[];
  vocabSize: number;
  hiddenSize: number;
  numHiddenLayers: number;
  numAttentionHeads: number;
  intermediateSize: number;
  maxPositionEmbeddings: number;
  typeVocabSize: number;
  layerNormEps: number;
  /** Label names by id, from `id2label` (ids as numbers). */
  id2label: Record<number, string>;
  problemType?: string;
  /** The whole parsed file. */
  raw: Readonly<Record<string, unknown>>;
}

function need(raw: Record<string, unknown>, key: string, path: string): number {
  const v = raw[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
    throw new SampError(SampErrorCode.ModelFormat, `Expected a positive integer "${key}" in ${path} but found ${JSON.stringify(v)}`);
  }
  return v;
}

/** Reads `dir/config.json`. Only BERT-style encoders (absolute positions, GELU) are accepted. */
export function readBertConfig(dir: string): BertConfig {
  const path = join(dir, 'config.json');
  if (!existsSync(path)) throw new SampError(SampErrorCode.FileNotFound, `Expected ${path} (the model's config) but it does not exist`);
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new SampError(SampErrorCode.ModelFormat, `${path} is not valid JSON: ${(error as Error).message}`);
  }
  const act = raw.hidden_act ?? 'gelu';
  if (act !== 'gelu') {
    throw new SampError(SampErrorCode.ModelFormat, `Expected hidden_act "gelu" in ${path} but found ${JSON.stringify(act)}`);
  }
  const pos = raw.position_embedding_type ?? 'absolute';
  if (pos !== 'absolute') {
    throw new SampError(SampErrorCode.ModelFormat, `Expected position_embedding_type "absolute" in ${path} but found ${JSON.stringify(pos)}`);
  }
  const id2label: Record<number, string> = {};
  for (const [k, v] of Object.entries((raw.id2label ?? {}) as Record<string, unknown>)) id2label[Number(k)] = String(v);
  const config: BertConfig = {
    modelType: String(raw.model_type ?? 'bert'),
    architectures: Array.isArray(raw.architectures) ? raw.architectures.map(String) : [],
    vocabSize: need(raw, 'vocab_size', path),
    hiddenSize: need(raw, 'hidden_size', path),
    numHiddenLayers: need(raw, 'num_hidden_layers', path),
    numAttentionHeads: need(raw, 'num_attention_heads', path),
    intermediateSize: need(raw, 'intermediate_size', path),
    maxPositionEmbeddings: need(raw, 'max_position_embeddings', path),
    typeVocabSize: need(raw, 'type_vocab_size', path),
    layerNormEps: typeof raw.layer_norm_eps === 'number' ? raw.layer_norm_eps : 1e-12,
    id2label,
    problemType: typeof raw.problem_type === 'string' ? raw.problem_type : undefined,
    raw: Object.freeze(raw),
  };
  if (config.hiddenSize % config.numAttentionHeads !== 0) {
    throw new SampError(SampErrorCode.ModelFormat, `hidden_size ${config.hiddenSize} is not divisible by num_attention_heads ${config.numAttentionHeads} in ${path}`);
  }
  return config;
}
