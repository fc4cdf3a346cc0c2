// The resolved description of a tokenizer, whatever file it came from (tokenizer.json or vocab.txt).
import type { NormalizerFlags } from './internal/char-classes.js';

/** Truncation strategy, as HF names them. */
export type TruncationStrategy = 'longest_first' | 'only_first' | 'only_second';
/** Side on which truncation or padding acts. */
export type Side = 'right' | 'left';

/** WordPiece model settings. */
export interface WordPieceConfig {
  readonly vocab: ReadonlyMap<string, number>;
  readonly unkToken: string;
  readonly continuingSubwordPrefix: string;
  readonly maxInputCharsPerWord: number;
}

/** A token matched before pre-tokenization (special tokens and other added tokens). */
export interface AddedToken {
  readonly id: number;
  readonly content: string;
  readonly special: boolean;
  readonly singleWord: boolean;
  readonly lstrip: boolean;
  readonly rstrip: boolean;
  /** Matched in the normalized text (after lower-casing etc.) instead of the raw text. */
  readonly normalized: boolean;
}

/** One element of a TemplateProcessing template. */
export type TemplatePiece =
  | { readonly kind: 'special'; readonly name: string; readonly typeId: number }
  | { readonly kind: 'sequence'; readonly sequence: 0 | 1; readonly typeId: number };

/** How special tokens are added around the sequences. */
export type PostProcessorConfig =
  | { readonly type: 'bert'; readonly cls: readonly [string, number]; readonly sep: readonly [string, number] }
  | {
      readonly type: 'template';
      readonly single: readonly TemplatePiece[];
      readonly pair: readonly TemplatePiece[];
      readonly specialTokens: ReadonlyMap<string, readonly number[]>;
    };

/** Truncation as the file (or the caller) asks for it. */
export interface TruncationConfig {
  readonly maxLength: number;
  readonly strategy: TruncationStrategy;
  readonly direction: Side;
}

/** Padding as the file (or the caller) asks for it. */
export interface PaddingConfig {
  /** `longest`: to the longest in the batch; `fixed`: to `length`. */
  readonly strategy: 'longest' | 'fixed';
  readonly length: number | null;
  readonly multipleOf: number | null;
  readonly direction: Side;
  readonly padId: number;
  readonly padTypeId: number;
  readonly padToken: string;
}

/** Everything the tokenizer needs, resolved and validated. */
export interface TokenizerConfig {
  readonly normalizer: NormalizerFlags;
  readonly model: WordPieceConfig;
  readonly addedTokens: readonly AddedToken[];
  readonly postProcessor: PostProcessorConfig | null;
  readonly truncation: TruncationConfig | null;
  readonly padding: PaddingConfig | null;
  readonly decoder: { readonly prefix: string; readonly cleanup: boolean };
}

/** Normalizer flags that change nothing. */
export const NO_NORMALIZER: NormalizerFlags = Object.freeze({
  cleanText: false,
  handleChineseChars: false,
  stripAccents: false,
  lowercase: false,
});
