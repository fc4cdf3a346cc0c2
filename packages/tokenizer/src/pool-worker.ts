// Worker thread of TokenizerPool: rebuilds the tokenizer once, then encodes chunks and fills batch rows.
import { parentPort, workerData } from 'node:worker_threads';
import { allocateMatrices, batchSeqLen, fillRows } from './internal/batch.js';
import type { PoolJob, PoolReply } from './internal/pool-protocol.js';
import { type PackedRows, transferList } from './internal/rows.js';
import { Tokenizer, type TokenizerOptions, type TokenizerSource } from './tokenizer.js';

const init = workerData as { source: TokenizerSource; options: TokenizerOptions };
const tokenizer =
  init.source.kind === 'json'
    ? Tokenizer.fromJSON(init.source.text, init.options)
    : Tokenizer.fromVocab(init.source.text, { ...init.source.options, ...init.options });
const kept = new Map<number, PackedRows>();
const port = parentPort!;

function handle(job: PoolJob): [PoolReply, ArrayBuffer[]] {
  if (job.kind === 'drop') {
    kept.delete(job.id);
    return [{ id: job.id }, []];
  }
  if (job.kind === 'fill') {
    const packed = kept.get(job.id)!;
    kept.delete(job.id);
    fillRows(job.matrices, packed, job.firstRow, job.seqLen, job.padding);
    return [{ id: job.id, packed }, transferList(packed)];
  }
  const packed = tokenizer.encodeRows(job.inputs, job.options);
  if (job.keep) {
    kept.set(job.id, packed);
    return [{ id: job.id, lengths: packed.lengths }, []]; // cloned: the rows stay here
  }
  const padding = tokenizer.batchPadding(job.options);
  const seqLen = batchSeqLen(packed.lengths, padding);
  const matrices = allocateMatrices(packed.lengths.length, seqLen, false);
  fillRows(matrices, packed, 0, seqLen, padding);
  const buffers = [...transferList(packed), matrices.ids.buffer as ArrayBuffer];
  return [{ id: job.id, packed, matrices, seqLen }, buffers];
}

port.on('message', (job: PoolJob) => {
  try {
    const [reply, transfer] = handle(job);
    port.postMessage(reply, transfer);
  } catch (error) {
    const e = error as { code?: string; message?: string };
    port.postMessage({ id: job.id, error: { code: e.code, message: e.message ?? String(error) } } satisfies PoolReply);
  }
});
