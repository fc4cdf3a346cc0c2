// A custom target: sentiment polarity p(positive) - p(negative) in [-1, 1], plus whether the model is sure,
// computed from the pooled output with the checkpoint's own classifier (read with @samp/targets' LinearHead). It implements samp's Target interface
// and uses only public APIs, so it can live in its own package.
import type { BertConfig } from '@samp/encoder';
import { type EncoderOutputs, SampError, SampErrorCode } from '@samp/kernels-cuda';
import { type DecodeContext, type LinearHead, readClassifierHead, softmaxInPlace, type Target } from '@samp/targets';

export interface Polarity {
  /** p(positive) - p(negative), in [-1, 1]. */
  polarity: number;
  /** Whether the larger probability is at least the threshold. */
  confident: boolean;
}

export class PolarityTarget implements Target<Polarity> {
  readonly name = 'sentiment-polarity';
  readonly needsPooled = true;
  #head: LinearHead;
  #positive: number;
  #threshold: number;

  private constructor(head: LinearHead, positive: number, threshold: number) {
    this.#head = head;
    this.#positive = positive;
    this.#threshold = threshold;
  }

  /** Reads the two-label classifier of a sentiment checkpoint; the positive label is found by name. */
  static fromCheckpoint(dir: string, config: BertConfig, threshold = 0.9): PolarityTarget {
    const labels = Object.values(config.id2label);
    const positive = labels.findIndex((l) => /^pos/i.test(l));
    if (labels.length !== 2 || positive < 0) {
      throw new SampError(SampErrorCode.ModelFormat, `Expected two labels, one of them "positive", but ${dir} has ${JSON.stringify(labels)}`);
    }
    return new PolarityTarget(readClassifierHead(dir, config, 'sentiment-classification'), positive, threshold);
  }

  decode(outputs: EncoderOutputs, _context: DecodeContext): Polarity[] {
    if (!outputs.pooled) throw new SampError(SampErrorCode.ModelFormat, 'Polarity needs the pooled output');
    const H = this.#head.hidden;
    return Array.from({ length: outputs.batch }, (_, b) => {
      const p = this.#head.logits(outputs.pooled!, b * H, new Float64Array(2));
      softmaxInPlace(p);
      return { polarity: p[this.#positive]! - p[1 - this.#positive]!, confident: Math.max(p[0]!, p[1]!) >= this.#threshold };
    });
  }
}
