// A linear-chain CRF on top of token logits (the BertCrfForNer layout, after pytorch-crf): `crf.transitions`
// [tags, tags] (score of tag i followed by tag j), `crf.start_transitions` [tags], `crf.end_transitions` [tags].
// Decoding is Viterbi: the tag sequence with the highest total of emission and transition scores.
import { Checkpoint } from '@samp/encoder';
import { SampError, SampErrorCode } from '@samp/kernels-cuda';

export const CRF_TENSORS = ['crf.transitions', 'crf.start_transitions', 'crf.end_transitions'] as const;

export class Crf {
  readonly tags: number;
  #trans: Float32Array;
  #start: Float32Array;
  #end: Float32Array;

  constructor(transitions: Float32Array, start: Float32Array, end: Float32Array) {
    const n = start.length;
    if (end.length !== n || transitions.length !== n * n) {
      throw new SampError(SampErrorCode.ModelFormat, `Expected CRF transitions [${n}, ${n}] and end transitions [${n}]`);
    }
    this.tags = n;
    this.#trans = transitions;
    this.#start = start;
    this.#end = end;
  }

  /** The CRF of a checkpoint with `tags` labels, or undefined when it has none. A partial CRF (some of the
   * three tensors) or one of the wrong size is SAMP_MODEL_FORMAT. */
  static fromCheckpoint(dir: string, tags: number): Crf | undefined {
    const ckpt = Checkpoint.open(dir);
    try {
      const present = CRF_TENSORS.filter((name) => ckpt.has(name));
      if (present.length === 0) return undefined;
      if (present.length !== CRF_TENSORS.length) {
        throw new SampError(SampErrorCode.ModelFormat, `Expected all of ${CRF_TENSORS.join(', ')} in ${dir} for a CRF head, found only ${present.join(', ')}`);
      }
      return new Crf(ckpt.read('crf.transitions', [tags, tags]), ckpt.read('crf.start_transitions', [tags]), ckpt.read('crf.end_transitions', [tags]));
    } finally {
      ckpt.close();
    }
  }

  /** The best tag sequence for emissions [length, tags] (row-major). Ties go to the lower tag index. */
  viterbi(emissions: Float64Array, length: number): number[] {
    const n = this.tags;
    if (length === 0) return [];
    let score = new Float64Array(n), next = new Float64Array(n);
    const back = new Int32Array(length * n);
    for (let j = 0; j < n; j++) score[j] = this.#start[j]! + emissions[j]!;
    for (let t = 1; t < length; t++) {
      for (let j = 0; j < n; j++) {
        let best = -Infinity, arg = 0;
        for (let i = 0; i < n; i++) {
          const s = score[i]! + this.#trans[i * n + j]!;
          if (s > best) {
            best = s;
            arg = i;
          }
        }
        next[j] = best + emissions[t * n + j]!;
        back[t * n + j] = arg;
      }
      [score, next] = [next, score];
    }
    let last = 0;
    for (let j = 1; j < n; j++) if (score[j]! + this.#end[j]! > score[last]! + this.#end[last]!) last = j;
    const path = new Array<number>(length);
    path[length - 1] = last;
    for (let t = length - 1; t > 0; t--) path[t - 1] = back[t * n + path[t]!]!;
    return path;
  }
}
