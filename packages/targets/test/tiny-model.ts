// A tiny random BERT directory (vocab.txt, config.json, model.safetensors) for the pipeline's own tests.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EncoderShape, randomBertWeights, type TensorToWrite, writeBertModel } from '@samp/encoder';

export const TINY_VOCAB = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', ...'我们在北京上海工作学习很好的天气今明'];
export const TINY_SHAPE: EncoderShape = {
  vocab: TINY_VOCAB.length, hidden: 32, layers: 2, heads: 2, ffn: 64, maxPositions: 32, typeVocab: 2, eps: 1e-12, hasPooler: true,
};

/** Deterministic values in [-scale, scale). */
export function seeded(n: number, seed: number, scale = 1): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return (s / 2147483648 - 0.5) * 2 * scale;
  });
}

/** Writes a tiny model; `labels` adds a classifier head of that many labels with the given architecture. */
export function tinyModel(options: { architecture?: string; labels?: string[]; extra?: Record<string, TensorToWrite> } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'samp-tiny-'));
  const labels = options.labels ?? [];
  const extra: Record<string, TensorToWrite> = { ...options.extra };
  if (labels.length > 0) {
    extra['classifier.weight'] = { data: seeded(labels.length * TINY_SHAPE.hidden, 7, 2), shape: [labels.length, TINY_SHAPE.hidden] };
    extra['classifier.bias'] = { data: seeded(labels.length, 8, 0.5), shape: [labels.length] };
  }
  writeBertModel(dir, TINY_SHAPE, randomBertWeights(TINY_SHAPE, 5), {
    config: {
      architectures: [options.architecture ?? 'BertModel'],
      ...(labels.length > 0 ? { id2label: Object.fromEntries(labels.map((l, i) => [String(i), l])) } : {}),
    },
    extra,
  });
  writeFileSync(join(dir, 'vocab.txt'), `${TINY_VOCAB.join('\n')}\n`);
  return dir;
}
