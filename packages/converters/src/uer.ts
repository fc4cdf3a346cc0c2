// UER-py BERT checkpoints to HF BERT names, as UER-py's own convert_bert_*_from_uer_to_huggingface scripts map them:
// the segment embedding loses its padding row 0; layer norms' gamma / beta become weight / bias; a classifier's
// output_layer_1 / output_layer_2 become the pooler and the classifier, a tagger's output_layer the classifier.
import { SampError, SampErrorCode } from '@samp/kernels-cuda';
import type { RawTensor, StateDict } from './tensor.js';
import { DTYPE_BYTES } from './tensor.js';

/** True when the tensor names are UER-py's. */
export function looksLikeUer(names: Iterable<string>): boolean {
  for (const n of names) if (n.startsWith('embedding.word') || n.startsWith('encoder.transformer.')) return true;
  return false;
}

/** The HF task UER-py's tensors imply, and what the mapping left out. */
export interface UerMapping {
  tensors: StateDict;
  /** HF config.json fields (architectures, sizes, eps, labels). */
  config: Record<string, unknown>;
  /** UER-py tensors with no HF BERT encoder or head counterpart (an MLM target, ...), not written. */
  dropped: string[];
}

function uerError(path: string, why: string): SampError {
  return new SampError(SampErrorCode.ModelFormat, `${path}: not a UER-py BERT checkpoint samp maps: ${why}`);
}

function rowsFrom(t: RawTensor, first: number): RawTensor {
  const row = (t.shape[1] ?? 0) * DTYPE_BYTES[t.dtype];
  return { dtype: t.dtype, shape: [t.shape[0]! - first, ...t.shape.slice(1)], data: t.data.slice(first * row) };
}

const EMBEDDINGS: [string[], string][] = [
  [['embedding.word_embedding.weight', 'embedding.word.embedding.weight'], 'bert.embeddings.word_embeddings.weight'],
  [['embedding.position_embedding.weight', 'embedding.pos.embedding.weight'], 'bert.embeddings.position_embeddings.weight'],
];
const LAYER: [string, string][] = [
  ['self_attn.linear_layers.0', 'attention.self.query'],
  ['self_attn.linear_layers.1', 'attention.self.key'],
  ['self_attn.linear_layers.2', 'attention.self.value'],
  ['self_attn.final_linear', 'attention.output.dense'],
  ['feed_forward.linear_1', 'intermediate.dense'],
  ['feed_forward.linear_2', 'output.dense'],
];
const HEADS: [string, string][] = [
  ['output_layer_1', 'bert.pooler.dense'],
  ['output_layer_2', 'classifier'],
  ['output_layer', 'classifier'],
  ['target.nsp_linear_1', 'bert.pooler.dense'],
  ['target.sp.linear_1', 'bert.pooler.dense'],
];

/** Maps a UER-py state dict to HF names. `uerConfig` is UER-py's model config (heads_num, ...), when known. */
export function uerToHf(sd: StateDict, path: string, uerConfig: Record<string, unknown> = {}): UerMapping {
  const out: StateDict = new Map();
  const used = new Set<string>();
  const take = (names: string[], required = true): RawTensor | undefined => {
    for (const n of names) {
      const t = sd.get(n);
      if (t) {
        used.add(n);
        return t;
      }
    }
    if (required) throw uerError(path, `it has no ${names.join(' or ')}`);
    return undefined;
  };
  const norm = (from: string, to: string): void => {
    out.set(`${to}.weight`, take([`${from}.gamma`, `${from}.weight`])!);
    out.set(`${to}.bias`, take([`${from}.beta`, `${from}.bias`])!);
  };
  const linear = (from: string, to: string, required = true): boolean => {
    const w = take([`${from}.weight`], required);
    if (!w) return false;
    out.set(`${to}.weight`, w);
    out.set(`${to}.bias`, take([`${from}.bias`])!);
    return true;
  };
  for (const [from, to] of EMBEDDINGS) out.set(to, take(from)!);
  const seg = take(['embedding.segment_embedding.weight', 'embedding.seg.embedding.weight'])!;
  if (seg.shape.length !== 2 || seg.shape[0]! < 2) throw uerError(path, `its segment embedding has shape [${seg.shape.join(', ')}]; UER-py's has a padding row 0 and at least one segment`);
  out.set('bert.embeddings.token_type_embeddings.weight', rowsFrom(seg, 1));
  norm('embedding.layer_norm', 'bert.embeddings.LayerNorm');
  let layers = 0;
  while (sd.has(`encoder.transformer.${layers}.self_attn.linear_layers.0.weight`)) {
    const u = `encoder.transformer.${layers}`;
    const h = `bert.encoder.layer.${layers}`;
    for (const [from, to] of LAYER) linear(`${u}.${from}`, `${h}.${to}`);
    norm(`${u}.layer_norm_1`, `${h}.attention.output.LayerNorm`);
    norm(`${u}.layer_norm_2`, `${h}.output.LayerNorm`);
    layers++;
  }
  if (layers === 0) throw uerError(path, 'it has no encoder.transformer.0 layer');
  for (const [from, to] of HEADS) if (!out.has(`${to}.weight`)) linear(from, to, false);

  const word = out.get('bert.embeddings.word_embeddings.weight')!;
  const ffn = out.get('bert.encoder.layer.0.intermediate.dense.weight')!;
  const hidden = word.shape[1]!;
  const heads = typeof uerConfig.heads_num === 'number' ? uerConfig.heads_num : Math.max(1, Math.round(hidden / 64));
  const act = uerConfig.hidden_act ?? 'gelu';
  if (act !== 'gelu') throw uerError(path, `hidden_act "${String(act)}"; samp runs BERT's erf GELU ("gelu")`);
  if (uerConfig.layernorm_positioning === 'pre') throw uerError(path, 'pre-LayerNorm transformer; BERT is post-LayerNorm');
  if (uerConfig.relative_position_embedding === true) throw uerError(path, 'relative position embeddings; BERT has absolute ones');
  const classifier = out.get('classifier.weight');
  const labels = classifier?.shape[0] ?? 0;
  const architecture = !classifier ? 'BertModel' : out.has('bert.pooler.dense.weight') ? 'BertForSequenceClassification' : 'BertForTokenClassification';
  const config: Record<string, unknown> = {
    architectures: [architecture],
    vocab_size: word.shape[0],
    hidden_size: hidden,
    num_hidden_layers: layers,
    num_attention_heads: heads,
    intermediate_size: ffn.shape[0],
    max_position_embeddings: out.get('bert.embeddings.position_embeddings.weight')!.shape[0],
    type_vocab_size: seg.shape[0]! - 1,
    // as UER-py's conversion scripts leave it: HF BERT's LayerNorm and its eps (UER-py's own LayerNorm divides by the
    // unbiased standard deviation plus 1e-6, a relative difference of about 1/(2 hidden) that its scripts accept)
    layer_norm_eps: 1e-12,
    ...(labels > 0
      ? {
          id2label: Object.fromEntries(Array.from({ length: labels }, (_, i) => [String(i), `LABEL_${i}`])),
          label2id: Object.fromEntries(Array.from({ length: labels }, (_, i) => [`LABEL_${i}`, i])),
        }
      : {}),
  };
  return { tensors: out, config, dropped: [...sd.keys()].filter((n) => !used.has(n)) };
}
