// Token classification (BertForTokenClassification): linear over each token's hidden state, argmax per token
// (or Viterbi when the checkpoint has CRF transitions), tags decoded to entity spans with UTF-16 offsets into the original text (end exclusive) and the entity text.
import type { BertConfig } from '@samp/encoder';
import { LinearHead, readClassifierHead } from './classifier-head.js';
import { Crf } from './crf.js';
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
  /** The CRF over the tags, when the checkpoint has one (then tags are decoded by Viterbi, not argmax). */
  readonly crf: Crf | undefined;
  #head: LinearHead;

  constructor(head: LinearHead, options: { scheme?: TagScheme; crf?: Crf } = {}) {
    if (options.crf && options.crf.tags !== head.labels.length) {
      throw new SampError(SampErrorCode.ModelFormat, `Expected a CRF over ${head.labels.length} tags but it has ${options.crf.tags}`);
    }
    this.#head = head;
    this.labels = head.labels;
    this.scheme = options.scheme ?? schemeOf(head.labels);
    this.crf = options.crf;
  }

  /** Reads `classifier.weight` / `classifier.bias` of a BertForTokenClassification directory, and the CRF
   * (`crf.transitions`, `crf.start_transitions`, `crf.end_transitions`) when it has one. */
  static fromCheckpoint(dir: string, config: BertConfig): TokenClassifier {
    const head = readClassifierHead(dir, config, 'token-classification');
    return new TokenClassifier(head, { crf: Crf.fromCheckpoint(dir, head.labels.length) });
  }

  /** Label indices of row b's tokens (attention mask 1, in order): argmax of each, or CRF Viterbi. */
  #bestTags(logits: Float32Array, b: number, S: number, mask: ArrayLike<number>): number[] {
    const L = this.labels.length;
    const positions: number[] = [];
    for (let t = 0; t < S; t++) if (mask[t] !== 0) positions.push(t);
    if (this.crf) {
      const emissions = new Float64Array(positions.length * L);
      positions.forEach((t, i) => emissions.set(logits.subarray((b * S + t) * L, (b * S + t + 1) * L), i * L));
      return this.crf.viterbi(emissions, positions.length);
    }
    return positions.map((t) => {
      const at = (b * S + t) * L;
      let best = 0;
      for (let l = 1; l < L; l++) if (logits[at + l]! > logits[at + best]!) best = l;
      return best;
    });
  }

  decode(outputs: EncoderOutputs, context: DecodeContext): Tagging[] {
    const S = outputs.seqLen;
    const logits = this.#head.logitsRows(outputs.lastHiddenState, outputs.batch * S);
    return context.encodings.encodings.map((enc, b) => {
      const text = context.texts[b] ?? '';
      const best = this.#bestTags(logits, b, S, enc.attentionMask);
      const tags: (string | null)[] = [];
      let k = 0;
      for (let t = 0; t < S; t++) {
        if (enc.attentionMask[t] === 0) {
          tags.push(null);
          continue;
        }
        const label = best[k++]!;
        tags.push(enc.specialTokensMask[t] === 1 ? null : this.labels[label]!);
      }
      const entities = decodeTags(tags, this.scheme).map(({ type, start, end }) => {
        const from = enc.offsetStarts[start]!, to = enc.offsetEnds[end]!;
        return { start: from, end: to, type, text: text.slice(from, to) };
      });
      return { entities };
    });
  }
}
