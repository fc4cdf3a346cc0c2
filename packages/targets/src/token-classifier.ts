// Token classification (BertForTokenClassification): linear over each token's hidden state, argmax per token,
// tags decoded to entity spans with UTF-16 offsets into the original text (end exclusive) and the entity text.
import type { BertConfig } from '@samp/encoder';
import { LinearHead, readClassifierHead } from './classifier-head.js';
import type { EncoderOutputs } from '@samp/kernels-cuda';
import { decodeTags, schemeOf, type TagScheme } from './spans.js';
import type { DecodeContext, Target } from './target.js';

/** An entity: [start, end) in UTF-16 units of the input text, its type and its text. */
export interface Entity {
  start: number;
  end: number;
  type: string;
  text: string;
}

export interface Tagging {
  entities: Entity[];
}

export class TokenClassifier implements Target<Tagging> {
  readonly name = 'token-classification';
  readonly needsPooled = false;
  readonly labels: readonly string[];
  readonly scheme: TagScheme;
  #head: LinearHead;

  constructor(head: LinearHead, scheme?: TagScheme) {
    this.#head = head;
    this.labels = head.labels;
    this.scheme = scheme ?? schemeOf(head.labels);
  }

  /** Reads `classifier.weight` / `classifier.bias` of a BertForTokenClassification directory. */
  static fromCheckpoint(dir: string, config: BertConfig): TokenClassifier {
    return new TokenClassifier(readClassifierHead(dir, config, 'token-classification'));
  }

  decode(outputs: EncoderOutputs, context: DecodeContext): Tagging[] {
    const H = this.#head.hidden, L = this.labels.length, S = outputs.seqLen;
    const logits = new Float64Array(L);
    return context.encodings.encodings.map((enc, b) => {
      const text = context.texts[b] ?? '';
      const tags: (string | null)[] = [];
      for (let t = 0; t < S; t++) {
        if (enc.attentionMask[t] === 0 || enc.specialTokensMask[t] === 1) {
          tags.push(null);
          continue;
        }
        this.#head.logits(outputs.lastHiddenState, (b * S + t) * H, logits);
        let best = 0;
        for (let l = 1; l < L; l++) if (logits[l]! > logits[best]!) best = l;
        tags.push(this.labels[best]!);
      }
      const entities = decodeTags(tags, this.scheme).map(({ type, start, end }) => {
        const from = enc.offsetStarts[start]!, to = enc.offsetEnds[end]!;
        return { start: from, end: to, type, text: text.slice(from, to) };
      });
      return { entities };
    });
  }
}
