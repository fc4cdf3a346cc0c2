// Messages between TokenizerPool and its worker threads.
import type { PaddingConfig } from '../config.js';
import type { EncodeOptions } from '../options.js';
import type { BatchInput } from '../tokenizer.js';
import type { BatchMatrices } from './batch.js';
import type { PackedRows } from './rows.js';

/** Encode a chunk: keep the rows in the worker (reply: lengths) or return it as a padded batch. */
export interface EncodeJob {
  kind: 'encode';
  id: number;
  inputs: BatchInput[];
  options: EncodeOptions | undefined;
  keep: boolean;
}

/** Write kept rows `id` into shared matrices from `firstRow` on (reply: the packed rows). */
export interface FillJob {
  kind: 'fill';
  id: number;
  matrices: BatchMatrices;
  firstRow: number;
  seqLen: number;
  padding: PaddingConfig;
}

/** Forget kept rows `id` (the batch they belonged to failed). */
export interface DropJob {
  kind: 'drop';
  id: number;
}

export type PoolJob = EncodeJob | FillJob | DropJob;

/** A worker's answer to job `id`. */
export interface PoolReply {
  id: number;
  lengths?: Int32Array;
  packed?: PackedRows;
  matrices?: BatchMatrices;
  seqLen?: number;
  error?: { code?: string; message: string };
}
