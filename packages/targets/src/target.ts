// The Target interface: a head that turns encoder outputs into task results. Custom targets implement it.
import type { EncoderOutputs } from '@samp/kernels-cuda';
import type { BatchEncoding } from '@samp/tokenizer';

/** What a head may need besides the encoder outputs: the batch's encodings (offsets, special-token masks) and
 * the first text of each input (the one offsets refer to). */
export interface DecodeContext {
  encodings: BatchEncoding;
  texts: readonly string[];
}

/** A head on top of the encoder. `R` is one input's result. */
export interface Target<R> {
  /** A short name, e.g. `sequence-classification`. */
  readonly name: string;
  /** Whether the head reads the pooled output (the pipeline then asks the encoder for it). */
  readonly needsPooled: boolean;
  /** One result per row of the batch, in order. */
  decode(outputs: EncoderOutputs, context: DecodeContext): R[];
}
