// The linear head of BertFor*Classification checkpoints: `classifier.weight` [labels, hidden], `classifier.bias`
// and the label names from config.id2label.
import { Checkpoint, type BertConfig } from '@samp/encoder';
import { SampError, SampErrorCode } from '@samp/kernels-cuda';

export interface ClassifierHead {
  weight: Float32Array;
  bias: Float32Array;
  labels: string[];
}

/** Reads the head; a missing one is SAMP_MODEL_FORMAT naming the tensors expected for `kind`. */
export function readClassifierHead(dir: string, config: BertConfig, kind: string): ClassifierHead {
  const ckpt = Checkpoint.open(dir);
  try {
    const info = ckpt.info('classifier.weight');
    if (!info || info.shape.length !== 2) {
      throw new SampError(
        SampErrorCode.ModelFormat,
        `Expected a ${kind} head ("classifier.weight", "classifier.bias") in ${dir}; architectures: ${config.architectures.join(', ') || 'none'}`,
      );
    }
    const n = info.shape[0]!;
    return {
      weight: ckpt.read('classifier.weight', [n, config.hiddenSize]),
      bias: ckpt.read('classifier.bias', [n]),
      labels: Array.from({ length: n }, (_, i) => config.id2label[i] ?? `LABEL_${i}`),
    };
  } finally {
    ckpt.close();
  }
}
