// The result of encoding one input: typed arrays for the encoder, offsets and tokens for people.
import type { EncodingArrays } from './internal/assemble.js';

/** One encoded input (a text, or a pair of texts), with special tokens and any padding. */
export class Encoding {
  /** Token ids. */
  readonly ids: Int32Array;
  /** Token type (segment) ids: 0 for the first sequence, 1 for the second, as the post-processor says. */
  readonly typeIds: Int32Array;
  /** 1 for real tokens, 0 for padding. */
  readonly attentionMask: Int32Array;
  /** 1 for special tokens and padding, 0 for tokens of the text. */
  readonly specialTokensMask: Uint8Array;
  /** 0 or 1: which input sequence a token comes from; -1 for special tokens and padding. */
  readonly sequenceIds: Int8Array;
  /** Start of each token in its input text (UTF-16 units); 0 for special tokens. */
  readonly offsetStarts: Int32Array;
  /** End (exclusive) of each token in its input text; 0 for special tokens. */
  readonly offsetEnds: Int32Array;
  private readonly idToToken: (id: number) => string;
  private cachedOffsets: [number, number][] | undefined;
  private cachedTokens: string[] | undefined;

  /** @internal Built by the tokenizer. */
  constructor(
    arrays: EncodingArrays,
    idToToken: (id: number) => string,
  ) {
    this.ids = arrays.ids;
    this.typeIds = arrays.typeIds;
    this.attentionMask = arrays.attentionMask;
    this.specialTokensMask = arrays.specialTokensMask;
    this.sequenceIds = arrays.sequenceIds;
    this.offsetStarts = arrays.offsetStarts;
    this.offsetEnds = arrays.offsetEnds;
    this.idToToken = idToToken;
  }

  /** Number of tokens, padding included. */
  get length(): number {
    return this.ids.length;
  }

  /** `[start, end]` of each token in its input (`text.slice(start, end)`); special tokens `[0, 0]`. */
  get offsets(): readonly (readonly [number, number])[] {
    this.cachedOffsets ??= Array.from(this.ids, (_, i) => [this.offsetStarts[i]!, this.offsetEnds[i]!]);
    return this.cachedOffsets;
  }

  /** The vocabulary string of each token. */
  get tokens(): readonly string[] {
    this.cachedTokens ??= Array.from(this.ids, (id) => this.idToToken(id));
    return this.cachedTokens;
  }
}

/** A padded batch, laid out row-major as `[batchSize x seqLen]` for the encoder. */
export interface BatchEncoding {
  readonly batchSize: number;
  readonly seqLen: number;
  readonly ids: Int32Array;
  readonly typeIds: Int32Array;
  readonly attentionMask: Int32Array;
  /** Tokens of each row before padding. */
  readonly lengths: Int32Array;
  /** Each input's encoding, padded to `seqLen` (built on first access). */
  readonly encodings: readonly Encoding[];
}
