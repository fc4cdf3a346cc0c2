// The linear head of BertFor*Classification checkpoints (`classifier.weight` [labels, hidden], `classifier.bias`,
// label names from config.id2label), shared by the sequence and token classifiers.
import { Checkpoint, type BertConfig } from '@samp/encoder';
import { Epilogue, runOp, SampError, SampErrorCode } from '@samp/kernels-cuda';

/** A linear layer over hidden states: logits = W x + b, one per label. */
export class LinearHead {
  readonly labels: readonly string[];
  readonly hidden: number;
  #w: Float32Array;
  #b: Float32Array;

  constructor(weight: Float32Array, bias: Float32Array, hidden: number, labels: readonly string[]) {
    if (weight.length !== labels.length * hidden || bias.length !== labels.length) {
      throw new SampError(SampErrorCode.ModelFormat, `Expected a classifier of [${labels.length}, ${hidden}] for ${labels.length} labels`);
    }
    this.#w = weight;
    this.#b = bias;
    this.hidden = hidden;
    this.labels = Object.freeze([...labels]);
  }

  /** The logits of `rows` vectors x[r * hidden, (r + 1) * hidden), [rows, labels] row-major: one GEMM with
   * the bias in its epilogue on the CPU backend (fp32). */
  logitsRows(x: Float32Array, rows: number): Float32Array {
    if (rows === 0) return new Float32Array(0);
    return runOp('cpu', { op: 'gemm', f: [x.subarray(0, rows * this.hidden), this.#w, this.#b], dims: [rows, this.labels.length, this.hidden], epilogue: Epilogue.bias });
  }

  /** Writes the logits of the vector x[at, at + hidden) into out (one per label). */
  logits(x: Float32Array, at: number, out: Float64Array): Float64Array {
    const H = this.hidden;
    for (let l = 0; l < this.labels.length; l++) {
      let s = this.#b[l]!;
      for (let k = 0; k < H; k++) s += this.#w[l * H + k]! * x[at + k]!;
      out[l] = s;
    }
    return out;
  }
}

/** Reads the head; a missing one is SAMP_MODEL_FORMAT naming the tensors expected for `kind`. */
export function readClassifierHead(dir: string, config: BertConfig, kind: string): LinearHead {
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
    return new LinearHead(
      ckpt.read('classifier.weight', [n, config.hiddenSize]),
      ckpt.read('classifier.bias', [n]),
      config.hiddenSize,
      Array.from({ length: n }, (_, i) => config.id2label[i] ?? `LABEL_${i}`),
    );
  } finally {
    ckpt.close();
  }
}
