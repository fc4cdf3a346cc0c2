// Worker thread of TokenizerPool: rebuilds the tokenizer once, then encodes chunks and fills batch rows.
import { parentPort, workerData } from 'node:worker_threads';
import { allocateMatrices, batchSeqLen, fillRows, matricesIn } from './internal/batch.js';
import type { PoolJob, PoolReply } from './internal/pool-protocol.js';
import { EXTRA_BYTES_PER_TOKEN, extrasInto, type PackedRows, RowBuilder, transferList } from './internal/rows.js';
import { Tokenizer, type TokenizerOptions, type TokenizerSource } from './tokenizer.js';

const init = workerData as { source: TokenizerSource; options: TokenizerOptions };
const tokenizer =
  init.source.kind === 'json'
    ? Tokenizer.fromJSON(init.source.text, init.options)
    : Tokenizer.fromVocab(init.source.text, { ...init.source.options, ...init.options });
const kept = new Map<number, PackedRows>();
const streamRows = new RowBuilder();
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
  if (job.keep) {
    const packed = tokenizer.encodeRows(job.inputs, job.options);
    kept.set(job.id, packed);
    return [{ id: job.id, lengths: packed.lengths.slice() }, []];
  }
  const padding = tokenizer.batchPadding(job.options);
  if (job.slot) {
    // Reused shared memory: no allocation per chunk, so no garbage for this isolate to collect.
    const packed = tokenizer.encodeRows(job.inputs, job.options, streamRows);
    const n = packed.lengths.length;
    const seqLen = batchSeqLen(packed.lengths, padding);
    const matrixBytes = n * seqLen * 12;
    if (matrixBytes + packed.ids.length * EXTRA_BYTES_PER_TOKEN <= job.slot.byteLength) {
      const matrices = matricesIn(job.slot, n, seqLen);
      fillRows(matrices, packed, 0, seqLen, padding, false);
      return [{ id: job.id, matrices, extras: extrasInto(packed, job.slot, matrixBytes), seqLen }, []];
    }
    // Longer than the slot was sized for: this chunk gets memory of its own.
    const matrices = allocateMatrices(n, seqLen, false);
    fillRows(matrices, packed, 0, seqLen, padding);
    const extras = extrasInto(packed, new ArrayBuffer(packed.ids.length * EXTRA_BYTES_PER_TOKEN), 0);
    return [{ id: job.id, matrices, extras, seqLen }, [matrices.ids.buffer as ArrayBuffer, extras.offsetStarts.buffer as ArrayBuffer]];
  }
  const packed = tokenizer.encodeRows(job.inputs, job.options);
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
