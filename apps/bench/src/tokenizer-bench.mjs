// Tokenizer throughput: @samp/tokenizer (single thread and pool) against HF's Rust tokenizer over N-API
// (@anush008/tokenizers) and HF's pure-JS tokenizer (@huggingface/tokenizers), same corpus, same run.
// Ids are checked equal before anything is timed.
// Usage: node src/tokenizer-bench.mjs [--lines N] [--runs N] [--shared DIR] [--out DIR]
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Tokenizer as HfRust } from '@anush008/tokenizers';
import { Tokenizer as HfJs } from '@huggingface/tokenizers';
import { Tokenizer, TokenizerPool } from '@samp/tokenizer';
import { CONTENDERS } from './tokenizer-contenders.mjs';
import { machine, median } from './stats.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : fallback;
};
const shared = resolve(arg('--shared', process.env.SAMP_SHARED ?? join(here, '../../../../shared')));
const nLines = Number(arg('--lines', 20000));
const runs = Number(arg('--runs', 15));
const outDir = resolve(arg('--out', join(here, '../results')));

const tokenizerJson = join(shared, 'models/chnsenticorp/tokenizer.json');
const lines = readFileSync(join(shared, 'data/corpus/zh-reviews.txt'), 'utf8').split('\n').filter((l) => l.length > 0).slice(0, nLines);
const bytes = Buffer.byteLength(lines.join('\n'), 'utf8');
const log = (...a) => process.stderr.write(`${a.join(' ')}\n`);
log(`${lines.length} lines, ${(bytes / 1e6).toFixed(2)} MB, ${runs} runs per row after 3 warm-up runs`);

const samp = Tokenizer.fromFile(tokenizerJson);
const rust = HfRust.fromFile(tokenizerJson);
const json = JSON.parse(readFileSync(tokenizerJson, 'utf8'));
const hfjs = new HfJs(json, JSON.parse(readFileSync(join(dirname(tokenizerJson), 'tokenizer_config.json'), 'utf8')));
const pool = new TokenizerPool(samp, { threads: 2 });

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
await pool.close();
const poolEqual = Buffer.compare(Buffer.from(pooled.ids.buffer), Buffer.from(sampBatch.ids.buffer)) === 0;
log(`ids: samp vs HF Rust ${rustMismatch} lines differ; samp vs HF JS ${jsMismatch} differ; pool equal: ${poolEqual}`);
if (rustMismatch > 0 || !poolEqual) {
  log('ids differ from the reference; not timing');
  process.exit(1);
}

// 2. Throughput: each contender in a fresh process on the same corpus, medians of `runs` after warm-up.
const corpusJson = join(tmpdir(), `samp-bench-corpus-${process.pid}.json`);
writeFileSync(corpusJson, JSON.stringify(lines));
const rows = [];
for (const [name, c] of Object.entries(CONTENDERS)) {
  const out = execFileSync(process.execPath, [join(here, 'tokenizer-contenders.mjs'), name, corpusJson, tokenizerJson, String(runs)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const times = JSON.parse(out);
  const ms = median(times);
  rows.push({ name, medianMs: +ms.toFixed(1), mbPerS: +(bytes / 1e6 / (ms / 1000)).toFixed(2), note: c.note });
  log(`${name.padEnd(52)} ${(bytes / 1e6 / (ms / 1000)).toFixed(2)} MB/s`);
}
rmSync(corpusJson);

const get = (n) => rows.find((r) => r.name === n).mbPerS;
const fasterPeer = Math.max(...rows.filter((r) => !r.name.startsWith('samp')).map((r) => r.mbPerS));
const ratio = (a, b) => +(a / b).toFixed(2);
const summary = {
  fasterPeerMbPerS: fasterPeer,
  encodeBatchVsFasterPeer: ratio(get('samp encodeBatch'), fasterPeer),
  encodePerLineVsFasterPeer: ratio(get('samp encode per line'), fasterPeer),
  poolStreamVsEncodeBatch: ratio(get('samp TokenizerPool encodeStream (2 threads)'), get('samp encodeBatch')),
  poolBatchVsWholeBatch: ratio(get('samp TokenizerPool encodeBatch (2 threads)'), get('samp encodeBatch, whole corpus')),
  poolStreamVsEncodePerLine: ratio(get('samp TokenizerPool encodeStream (2 threads)'), get('samp encode per line')),
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
  `zh-reviews.txt (${(bytes / 1e6).toFixed(2)} MB UTF-8), tokenizer.json of the shared chnsenticorp model. Each row runs in its own process;`,
  `median of ${runs} runs after 3 warm-up runs.`,
  `Ids checked first: samp = HF Rust on all lines; samp (untruncated) vs HF JS: ${jsMismatch} lines differ; pool = single thread.`,
  '',
  '| tokenizer | MB/s | median ms | note |',
  '|---|---:|---:|---|',
  ...rows.map((r) => `| ${r.name} | ${r.mbPerS} | ${r.medianMs} | ${r.note} |`),
  '',
  `Single thread: samp encodeBatch = **${summary.encodeBatchVsFasterPeer}x** the faster peer (${fasterPeer} MB/s); samp encode per line = **${summary.encodePerLineVsFasterPeer}x**.`,
  `Pool on 2 threads: encodeStream = **${summary.poolStreamVsEncodeBatch}x** single-thread encodeBatch (same batches);`,
  `whole-corpus encodeBatch = **${summary.poolBatchVsWholeBatch}x** its single-thread twin; encodeStream = ${summary.poolStreamVsEncodePerLine}x encode per line.`,
  '',
].join('\n');
writeFileSync(`${stem}.md`, md);
console.log(md);
