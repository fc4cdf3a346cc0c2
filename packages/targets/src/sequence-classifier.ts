// Sequence classification (BertForSequenceClassification): pooler + linear, softmax (or sigmoid per label when
// config.problem_type is multi_label_classification). Labels come from config.id2label.
import type { BertConfig } from '@samp/encoder';
import { LinearHead, readClassifierHead } from './classifier-head.js';
import { type EncoderOutputs, SampError, SampErrorCode } from '@samp/kernels-cuda';
import { sigmoid, softmaxInPlace } from './softmax.js';
import type { DecodeContext, Target } from './target.js';

/** One input's class. `scores` are probabilities, one per label id. */
export interface Classification {
  label: string;
  labelId: number;
  scores: number[];
}

export class SequenceClassifier implements Target<Classification> {
  readonly name = 'sequence-classification';
  readonly needsPooled = true;
  readonly labels: readonly string[];
  readonly multiLabel: boolean;
  #head: LinearHead;

  constructor(head: LinearHead, multiLabel = false) {
    this.#head = head;
    this.labels = head.labels;
    this.multiLabel = multiLabel;
  }

  /** Reads `classifier.weight` / `classifier.bias` of a BertForSequenceClassification directory. */
  static fromCheckpoint(dir: string, config: BertConfig): SequenceClassifier {
    return new SequenceClassifier(
      readClassifierHead(dir, config, 'sequence-classification'),
      config.problemType === 'multi_label_classification',
    );
  }

  decode(outputs: EncoderOutputs, _context?: DecodeContext): Classification[] {
    if (!outputs.pooled) throw new SampError(SampErrorCode.ModelFormat, 'Sequence classification needs the pooled output, but the model has no pooler');
    const H = this.#head.hidden, L = this.labels.length;
    const results: Classification[] = [];
    const logits = new Float64Array(L);
    for (let b = 0; b < outputs.batch; b++) {
      this.#head.logits(outputs.pooled, b * H, logits);
      if (this.multiLabel) for (let l = 0; l < L; l++) logits[l] = sigmoid(logits[l]!);
      else softmaxInPlace(logits);
      let best = 0;
      for (let l = 1; l < L; l++) if (logits[l]! > logits[best]!) best = l;
      results.push({ label: this.labels[best]!, labelId: best, scores: Array.from(logits) });
    }
    return results;
  }
}
