// Worker thread of TokenizerPool: rebuilds the tokenizer once, then encodes chunks and sends rows back.
import { parentPort, workerData } from 'node:worker_threads';
import { Tokenizer, type TokenizerOptions, type TokenizerSource } from './tokenizer.js';
import type { BatchInput } from './tokenizer.js';
import type { EncodeOptions } from './options.js';
import { packRows } from './internal/rows.js';

interface Init {
  source: TokenizerSource;
  options: TokenizerOptions;
}

interface Job {
  seq: number;
  inputs: BatchInput[];
  options: EncodeOptions | undefined;
}

const init = workerData as Init;
const tokenizer =
  init.source.kind === 'json' ? Tokenizer.fromJSON(init.source.text, init.options) : Tokenizer.fromVocab(init.source.text, { ...init.source.options, ...init.options });

parentPort!.on('message', (job: Job) => {
  try {
    const packed = packRows(tokenizer.encodeRows(job.inputs, job.options));
    parentPort!.postMessage({ seq: job.seq, packed }, packed.buffers);
  } catch (error) {
    const e = error as { code?: string; message?: string };
    parentPort!.postMessage({ seq: job.seq, error: { code: e.code, message: e.message ?? String(error) } });
  }
});
