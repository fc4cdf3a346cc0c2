// Special tokens around the sequences (BertProcessing / TemplateProcessing) and padding: the final arrays.
import type { PaddingConfig, PostProcessorConfig, TemplatePiece } from '../config.js';
import type { RowFields } from './rows.js';
import { allocZeroed } from './slab.js';
import type { TokenRun } from './token-run.js';

/** Arrays of one encoding, as the Encoding constructor takes them. */
export interface EncodingArrays {
  ids: Int32Array;
  typeIds: Int32Array;
  attentionMask: Int32Array;
  specialTokensMask: Uint8Array;
  sequenceIds: Int8Array;
  offsetStarts: Int32Array;
  offsetEnds: Int32Array;
}

type Layout = readonly ({ ids: readonly number[]; typeId: number } | { run: 0 | 1; typeId: number })[];

const BERT_SINGLE: readonly TemplatePiece[] = [
  { kind: 'special', name: 'cls', typeId: 0 },
  { kind: 'sequence', sequence: 0, typeId: 0 },
  { kind: 'special', name: 'sep', typeId: 0 },
];
const BERT_PAIR: readonly TemplatePiece[] = [
  ...BERT_SINGLE,
  { kind: 'sequence', sequence: 1, typeId: 1 },
  { kind: 'special', name: 'sep', typeId: 1 },
];
const PLAIN_SINGLE: Layout = [{ run: 0, typeId: 0 }];
const PLAIN_PAIR: Layout = [{ run: 0, typeId: 0 }, { run: 1, typeId: 1 }];

/** Where special tokens go, for one post-processor; computed once per tokenizer. */
export class Assembler {
  private readonly single: Layout;
  private readonly pair: Layout;
  /** Special tokens added to a single sequence and to a pair. */
  readonly addedSingle: number;
  readonly addedPair: number;

  constructor(config: PostProcessorConfig | null) {
    if (config === null) {
      this.single = PLAIN_SINGLE;
      this.pair = PLAIN_PAIR;
    } else {
      const specials =
        config.type === 'bert'
          ? new Map([['cls', [config.cls[1]]], ['sep', [config.sep[1]]]])
          : config.specialTokens;
      const layout = (pieces: readonly TemplatePiece[]): Layout =>
        pieces.map((p) => (p.kind === 'special' ? { ids: specials.get(p.name)!, typeId: p.typeId } : { run: p.sequence, typeId: p.typeId }));
      this.single = layout(config.type === 'bert' ? BERT_SINGLE : config.single);
      this.pair = layout(config.type === 'bert' ? BERT_PAIR : config.pair);
    }
    const count = (l: Layout): number => l.reduce((n, p) => n + ('ids' in p ? p.ids.length : 0), 0);
    this.addedSingle = count(this.single);
    this.addedPair = count(this.pair);
  }

  /** Special tokens added around one sequence or a pair (none without `addSpecial`). */
  added(pair: boolean, addSpecial: boolean): number {
    return addSpecial ? (pair ? this.addedPair : this.addedSingle) : 0;
  }

  /** Tokens of the laid-out sequence (special tokens included when asked). */
  length(a: TokenRun, b: TokenRun | null, addSpecial: boolean): number {
    return a.length + (b ? b.length : 0) + this.added(b !== null, addSpecial);
  }

  /**
   * Writes the runs with their special tokens into `out` from index `at`: ids, type ids, special-token
   * mask, sequence ids and offsets (special tokens get [0, 0]). Returns the number of tokens written.
   */
  write(out: RowFields, at: number, a: TokenRun, b: TokenRun | null, addSpecial: boolean): number {
    const layout = addSpecial ? (b ? this.pair : this.single) : b ? PLAIN_PAIR : PLAIN_SINGLE;
    const runs = [a, b];
    let k = at;
    for (const p of layout) {
      if ('ids' in p) {
        for (const id of p.ids) {
          out.ids[k] = id;
          out.typeIds[k] = p.typeId;
          out.specialTokensMask[k] = 1;
          out.sequenceIds[k] = -1;
          out.offsetStarts[k] = 0;
          out.offsetEnds[k] = 0;
          k++;
        }
      } else {
        const run = runs[p.run]!;
        const len = run.length;
        out.ids.set(run.ids.subarray(0, len), k);
        out.offsetStarts.set(run.starts.subarray(0, len), k);
        out.offsetEnds.set(run.ends.subarray(0, len), k);
        out.typeIds.fill(p.typeId, k, k + len);
        out.specialTokensMask.fill(0, k, k + len);
        out.sequenceIds.fill(p.run, k, k + len);
        k += len;
      }
    }
    return k - at;
  }

  /** One encoding's arrays, padded to `padTo` tokens on `padding`'s side. */
  build(a: TokenRun, b: TokenRun | null, addSpecial: boolean, padTo: number, padding: PaddingConfig | null): EncodingArrays {
    const n = this.length(a, b, addSpecial);
    const total = Math.max(n, padTo);
    // One zeroed region for all seven arrays (from a shared slab when small): one allocation, not seven.
    const [buffer, at] = allocZeroed((total * 22 + 3) & ~3);
    const int32 = (k: number) => new Int32Array(buffer, at + k * total * 4, total);
    const out: EncodingArrays = {
      ids: int32(0),
      typeIds: int32(1),
      attentionMask: int32(2),
      offsetStarts: int32(3),
      offsetEnds: int32(4),
      specialTokensMask: new Uint8Array(buffer, at + total * 20, total),
      sequenceIds: new Int8Array(buffer, at + total * 21, total),
    };
    const shift = padding && padding.direction === 'left' ? total - n : 0;
    this.write(out, shift, a, b, addSpecial);
    out.attentionMask.fill(1, shift, shift + n);
    if (total > n && padding) {
      const [from, to] = shift > 0 ? [0, shift] : [n, total];
      out.ids.fill(padding.padId, from, to);
      out.typeIds.fill(padding.padTypeId, from, to);
      out.specialTokensMask.fill(1, from, to);
      out.sequenceIds.fill(-1, from, to);
    }
    return out;
  }
}

/** The length HF pads a batch whose longest member has `longest` tokens to. */
export function paddedLength(padding: PaddingConfig, longest: number): number {
  let length = padding.strategy === 'fixed' ? padding.length ?? longest : longest;
  const m = padding.multipleOf;
  if (m !== null && m > 0 && length % m > 0) length += m - (length % m);
  return length;
}
