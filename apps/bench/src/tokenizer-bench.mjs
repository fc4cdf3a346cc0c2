// Tokenizer throughput: @samp/tokenizer (single thread and pool) against HF's Rust tokenizer over N-API
// (@anush008/tokenizers) and HF's pure-JS tokenizer (@huggingface/tokenizers), same corpus, same run.
// Ids are checked equal before anything is timed.
// Usage: node src/tokenizer-bench.mjs [--lines N] [--runs N] [--shared DIR] [--out DIR]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Tokenizer as HfRust } from '@anush008/tokenizers';
import { Tokenizer as HfJs } from '@huggingface/tokenizers';
import { Tokenizer, TokenizerPool } from '@samp/tokenizer';
import { machine, median, timeRuns } from './stats.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : fallback;
};
const shared = resolve(arg('--shared', process.env.SAMP_SHARED ?? join(here, '../../../../shared')));
const nLines = Number(arg('--lines', 20000));
const runs = Number(arg('--runs', 5));
const outDir = resolve(arg('--out', join(here, '../results')));

const tokenizerJson = join(shared, 'models/chnsenticorp/tokenizer.json');
const lines = readFileSync(join(shared, 'data/corpus/zh-reviews.txt'), 'utf8').split('\n').filter((l) => l.length > 0).slice(0, nLines);
const bytes = Buffer.byteLength(lines.join('\n'), 'utf8');
const log = (...a) => process.stderr.write(`${a.join(' ')}\n`);
log(`${lines.length} lines, ${(bytes / 1e6).toFixed(2)} MB, ${runs} runs per row`);

const samp = Tokenizer.fromFile(tokenizerJson);
const rust = HfRust.fromFile(tokenizerJson);
const json = JSON.parse(readFileSync(tokenizerJson, 'utf8'));
const hfjs = new HfJs(json, JSON.parse(readFileSync(join(dirname(tokenizerJson), 'tokenizer_config.json'), 'utf8')));
const pool = new TokenizerPool(samp, { threads: 2, chunkSize: 512 });

// 1. Equality first. The Rust tokenizer applies the file's truncation (128) as samp does by default;
//    the pure-JS one does not truncate, so it is compared with samp's untruncated output.
const rustOut = await rust.encodeBatch(lines);
const sampBatch = samp.encodeBatch(lines);
let rustMismatch = 0;
lines.forEach((_, i) => {
  const mask = rustOut[i].getAttentionMask(); // the file's padding (batch longest) applies to encodeBatch
  const a = rustOut[i].getIds().slice(0, mask.reduce((n, m) => n + m, 0));
  const b = sampBatch.ids.subarray(i * sampBatch.seqLen, i * sampBatch.seqLen + sampBatch.lengths[i]);
  if (a.length !== b.length || a.some((v, k) => v !== b[k])) rustMismatch++;
});
let jsMismatch = 0;
for (const line of lines) {
  const a = hfjs.encode(line).ids;
  const b = samp.encode(line, null, { truncation: false }).ids;
  if (a.length !== b.length || a.some((v, k) => v !== b[k])) jsMismatch++;
}
const pooled = await pool.encodeBatch(lines);
const poolEqual = Buffer.compare(Buffer.from(pooled.ids.buffer), Buffer.from(sampBatch.ids.buffer)) === 0;
log(`ids: samp vs HF Rust ${rustMismatch} lines differ; samp vs HF JS ${jsMismatch} differ; pool equal: ${poolEqual}`);
if (rustMismatch > 0 || !poolEqual) {
  log('ids differ from the reference; not timing');
  process.exit(1);
}

// 2. Throughput, every contender in this one process, medians of `runs`.
const rows = [];
async function row(name, fn, note) {
  const times = await timeRuns(fn, { warmup: 1, runs });
  const ms = median(times);
  rows.push({ name, medianMs: +ms.toFixed(1), mbPerS: +(bytes / 1e6 / (ms / 1000)).toFixed(2), note });
  log(`${name.padEnd(48)} ${(bytes / 1e6 / (ms / 1000)).toFixed(2)} MB/s`);
}
await row('@anush008/tokenizers encode per line', async () => {
  for (const l of lines) await rust.encode(l);
}, 'HF Rust via N-API; async per call');
await row('@anush008/tokenizers encodeBatch', () => rust.encodeBatch(lines), 'HF Rust via N-API; whole corpus in one call');
await row('@huggingface/tokenizers encode per line', () => {
  for (const l of lines) hfjs.encode(l);
}, 'pure JS; no truncation');
await row('samp encode per line', () => {
  for (const l of lines) samp.encode(l);
}, 'single thread; file truncation (128)');
await row('samp encode per line, no truncation', () => {
  for (const l of lines) samp.encode(l, null, { truncation: false });
}, 'single thread; same work as the pure-JS peer');
await row('samp encodeBatch (padded matrices)', () => {
  for (let i = 0; i < lines.length; i += 512) samp.encodeBatch(lines.slice(i, i + 512));
}, 'single thread; batches of 512');
await row('samp TokenizerPool encodeBatch (2 threads)', () => pool.encodeBatch(lines), 'worker threads; chunks of 512');
await pool.close();

const get = (n) => rows.find((r) => r.name === n).mbPerS;
const fasterPeer = Math.max(...rows.filter((r) => !r.name.startsWith('samp')).map((r) => r.mbPerS));
const summary = {
  singleThreadVsFasterPeer: +(get('samp encodeBatch (padded matrices)') / fasterPeer).toFixed(2),
  encodePerLineVsFasterPeer: +(get('samp encode per line') / fasterPeer).toFixed(2),
  poolVsSingleThread: +(get('samp TokenizerPool encodeBatch (2 threads)') / get('samp encodeBatch (padded matrices)')).toFixed(2),
};
const result = {
  benchmark: 'tokenizer throughput',
  machine: machine(),
  corpus: { file: 'data/corpus/zh-reviews.txt', lines: lines.length, bytes },
  tokenizer: 'models/chnsenticorp/tokenizer.json',
  equality: { sampVsHfRustLinesDiffering: rustMismatch, sampVsHfJsLinesDiffering: jsMismatch, poolEqualsSingleThread: poolEqual },
  rows,
  summary,
};
mkdirSync(outDir, { recursive: true });
const stem = join(outDir, `tokenizer-${result.machine.date}`);
writeFileSync(`${stem}.json`, `${JSON.stringify(result, null, 2)}\n`);
const md = [
  `# Tokenizer throughput (${result.machine.date})`,
  '',
  `${result.machine.cpu}, ${result.machine.cores} cores, Node ${result.machine.node}. Corpus: first ${lines.length} lines of`,
  `zh-reviews.txt (${(bytes / 1e6).toFixed(2)} MB UTF-8), tokenizer.json of the shared chnsenticorp model. Median of ${runs} runs.`,
  `Ids checked first: samp = HF Rust on all lines; samp (untruncated) vs HF JS: ${jsMismatch} lines differ; pool = single thread.`,
  '',
  '| tokenizer | MB/s | median ms | note |',
  '|---|---:|---:|---|',
  ...rows.map((r) => `| ${r.name} | ${r.mbPerS} | ${r.medianMs} | ${r.note} |`),
  '',
  `samp single thread (encodeBatch) = **${summary.singleThreadVsFasterPeer}x** the faster peer; encode per line ${summary.encodePerLineVsFasterPeer}x;`,
  `pool on 2 threads = **${summary.poolVsSingleThread}x** single thread.`,
  '',
].join('\n');
writeFileSync(`${stem}.md`, md);
console.log(md);
