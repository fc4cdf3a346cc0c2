// The Target interface: a head that turns encoder outputs into task results. Custom targets implement it.
import type { EncoderOutputs } from '@samp/kernels-cuda';

/** A head on top of the encoder. `R` is one input's result. */
export interface Target<R> {
  /** A short name, e.g. `sequence-classification`. */
  readonly name: string;
  /** Whether the head reads the pooled output (the pipeline then asks the encoder for it). */
  readonly needsPooled: boolean;
  /** One result per row of the batch, in order. */
  decode(outputs: EncoderOutputs): R[];
}
