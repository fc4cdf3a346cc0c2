// Token classification (BertForTokenClassification): linear over each token's hidden state, argmax per token,
// tags decoded to entity spans with UTF-16 offsets into the original text (end exclusive) and the entity text.
import type { BertConfig } from '@samp/encoder';
import { readClassifierHead } from './classifier-head.js';
import { type EncoderOutputs, SampError, SampErrorCode } from '@samp/kernels-cuda';
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
  #w: Float32Array;
  #b: Float32Array;
  #hidden: number;

  constructor(weight: Float32Array, bias: Float32Array, hidden: number, labels: readonly string[], scheme?: TagScheme) {
    if (weight.length !== labels.length * hidden || bias.length !== labels.length) {
      throw new SampError(SampErrorCode.ModelFormat, `Expected a classifier of [${labels.length}, ${hidden}] for ${labels.length} labels`);
    }
    this.#w = weight;
    this.#b = bias;
    this.#hidden = hidden;
    this.labels = Object.freeze([...labels]);
    this.scheme = scheme ?? schemeOf(labels);
  }

  /** Reads `classifier.weight` / `classifier.bias` of a BertForTokenClassification directory. */
  static fromCheckpoint(dir: string, config: BertConfig): TokenClassifier {
    const h = readClassifierHead(dir, config, 'token-classification');
    return new TokenClassifier(h.weight, h.bias, config.hiddenSize, h.labels);
  }

  decode(outputs: EncoderOutputs, context: DecodeContext): Tagging[] {
    const H = this.#hidden, L = this.labels.length, S = outputs.seqLen;
    return context.encodings.encodings.map((enc, b) => {
      const text = context.texts[b] ?? '';
      const tags: (string | null)[] = [];
      for (let t = 0; t < S; t++) {
        if (enc.attentionMask[t] === 0 || enc.specialTokensMask[t] === 1) {
          tags.push(null);
          continue;
        }
        const at = (b * S + t) * H;
        let best = 0, bestScore = -Infinity;
        for (let l = 0; l < L; l++) {
          let s = this.#b[l]!;
          for (let k = 0; k < H; k++) s += this.#w[l * H + k]! * outputs.lastHiddenState[at + k]!;
          if (s > bestScore) {
            bestScore = s;
            best = l;
          }
        }
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
