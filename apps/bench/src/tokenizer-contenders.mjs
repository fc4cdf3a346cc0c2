// The tokenizers compared by tokenizer-bench.mjs; each is timed in a process of its own (no shared GC or JIT).
// Run alone: node tokenizer-contenders.mjs NAME CORPUS_JSON TOKENIZER_JSON RUNS -> prints sorted times (ms) as JSON.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Tokenizer as HfRust } from '@anush008/tokenizers';
import { Tokenizer as HfJs } from '@huggingface/tokenizers';
import { Tokenizer, TokenizerPool } from '@samp/tokenizer';
import { timeRuns } from './stats.mjs';

const BATCH = 512;
const chunks = (lines) => Array.from({ length: Math.ceil(lines.length / BATCH) }, (_, i) => lines.slice(i * BATCH, (i + 1) * BATCH));

/** name -> { note, setup(lines, tokenizerJson) -> { run, close? } } */
export const CONTENDERS = {
  'HF Rust (@anush008/tokenizers) encode per line': {
    note: 'N-API, one async call per line',
    setup: (lines, path) => {
      const tk = HfRust.fromFile(path);
      return { run: async () => { for (const l of lines) await tk.encode(l); } };
    },
  },
  'HF Rust (@anush008/tokenizers) encodeBatch': {
    note: `N-API, batches of ${BATCH} (Rust threads inside)`,
    setup: (lines, path) => {
      const tk = HfRust.fromFile(path);
      const parts = chunks(lines);
      return { run: async () => { for (const p of parts) await tk.encodeBatch(p); } };
    },
  },
  'HF JS (@huggingface/tokenizers) encode per line': {
    note: 'pure JS; it does not apply the file truncation',
    setup: (lines, path) => {
      const config = JSON.parse(readFileSync(join(dirname(path), 'tokenizer_config.json'), 'utf8'));
      const tk = new HfJs(JSON.parse(readFileSync(path, 'utf8')), config);
      return { run: () => { for (const l of lines) tk.encode(l); } };
    },
  },
  'samp encode per line': {
    note: 'one thread; Encoding object per line',
    setup: (lines, path) => {
      const tk = Tokenizer.fromFile(path);
      return { run: () => { for (const l of lines) tk.encode(l); } };
    },
  },
  'samp encodeBatch': {
    note: `one thread; padded Int32Array matrices, batches of ${BATCH}`,
    setup: (lines, path) => {
      const tk = Tokenizer.fromFile(path);
      const parts = chunks(lines);
      return { run: () => { for (const p of parts) tk.encodeBatch(p); } };
    },
  },
  'samp TokenizerPool encodeStream (2 threads)': {
    note: `worker threads; padded matrices per ${BATCH} inputs, in order`,
    setup: (lines, path) => {
      const pool = new TokenizerPool(Tokenizer.fromFile(path), { threads: 2, chunkSize: BATCH });
      return { run: async () => { for await (const _ of pool.encodeStream(lines)); }, close: () => pool.close() };
    },
  },
  'samp TokenizerPool encodeBatch (2 threads)': {
    note: 'worker threads; the whole corpus as one padded batch',
    setup: (lines, path) => {
      const pool = new TokenizerPool(Tokenizer.fromFile(path), { threads: 2 });
      return { run: () => pool.encodeBatch(lines), close: () => pool.close() };
    },
  },
  'samp encodeBatch, whole corpus': {
    note: 'one thread; the whole corpus as one padded batch',
    setup: (lines, path) => {
      const tk = Tokenizer.fromFile(path);
      return { run: () => tk.encodeBatch(lines) };
    },
  },
};

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
  const [name, corpusJson, tokenizerJson, runs] = process.argv.slice(2);
  const lines = JSON.parse(readFileSync(corpusJson, 'utf8'));
  const c = CONTENDERS[name];
  const { run, close } = await c.setup(lines, tokenizerJson);
  const times = await timeRuns(run, { warmup: 3, runs: Number(runs) });
  await close?.();
  process.stdout.write(JSON.stringify(times));
}
