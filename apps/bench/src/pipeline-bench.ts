// End-to-end throughput of `samp run` for each task on the shared models, and where the time goes: tokenization,
// encoder and head, timed stage by stage over the batches samp run makes (windows of 8 batches, each sorted by
// length). samp run overlaps them (the next batch is tokenized and queued, and the previous window written, while
// one runs), so its wall time is less than their sum; `jsonLinesMs` is what is left of the wall time after loading
// and the three stages: reading, parsing and writing JSON lines, as far as it is not hidden.
// Usage: node pipeline-bench.mjs MODELS_DIR DATA_DIR OUT.json [--device cpu|cuda] [--precision fp32|fp16]
//        [--min-lines N] [--repeats N] [--batch-size N]
// DATA_DIR holds <model>.jsonl or <model>/dev.jsonl. Inputs are the dev file, repeated up to --min-lines.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { runCommand } from '../../../packages/cli/src/index.js';
import { type Embedding, Pipeline, type PipelineTask, pairSimilarities, toBatchInput } from '../../../packages/targets/src/index.js';
import { takeFlag } from './flags.mjs';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => takeFlag(args, name, fallback);
const device = flag('--device', 'cpu') as 'cpu' | 'cuda';
const precision = flag('--precision', device === 'cuda' ? 'fp16' : 'fp32') as 'fp32' | 'fp16';
const minLines = Number(flag('--min-lines', device === 'cuda' ? '8000' : '0'));
const repeats = Number(flag('--repeats', '3'));
const batchSize = Number(flag('--batch-size', '32'));
const [models, data, out] = [args[0]!, args[1]!, args[2] ?? 'bench-pipeline.json'];

const CASES: { name: string; model: string; task: PipelineTask; granularity?: 'char' }[] = [
  { name: 'classify', model: 'chnsenticorp', task: 'classify' },
  { name: 'match (cross-encoder)', model: 'lcqmc', task: 'match' },
  { name: 'tag', model: 'cluener', task: 'tag', granularity: 'char' },
  { name: 'embed', model: 'chnsenticorp', task: 'embed' },
];
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
const quiet = new Writable({ write: (_c, _e, cb) => cb() });
const tmp = mkdtempSync(join(tmpdir(), 'samp-bench-'));

function devLines(model: string): string[] {
  const file = [join(data, `${model}.jsonl`), join(data, model, 'dev.jsonl')].find((f) => existsSync(f))!;
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim());
  const all: string[] = [];
  while (all.length < Math.max(minLines, lines.length)) all.push(...lines);
  return all;
}

/** Tokenization, encoder and head of the pipeline, each timed over the batches `run` would make. */
async function stages(p: Pipeline, lines: string[]) {
  const inputs = lines.map((l) => toBatchInput(p.task, JSON.parse(l)));
  const size = (x: (typeof inputs)[number]) => (typeof x === 'string' ? x.length : x[0].length + x[1].length);
  const window = p.batchSize * 8;
  const batches: (typeof inputs)[] = [];
  for (let w = 0; w < inputs.length; w += window) {
    const sorted = inputs.slice(w, w + window).sort((a, b) => size(a) - size(b));
    for (let i = 0; i < sorted.length; i += p.batchSize) batches.push(sorted.slice(i, i + p.batchSize));
  }
  const t = { tokenize: 0, encoder: 0, head: 0 };
  for (const batch of batches) {
    const rows = p.biEncoder ? batch.flatMap((x) => (typeof x === 'string' ? [x] : [x[0], x[1]])) : batch;
    let t0 = performance.now();
    const enc = p.tokenizer.encodeBatch(rows, { maxLength: p.maxLength });
    t.tokenize += performance.now() - t0;
    t0 = performance.now();
    const outputs = await p.encoder.forward(
      { inputIds: enc.ids, tokenTypeIds: enc.typeIds, attentionMask: enc.attentionMask, batch: enc.batchSize, seqLen: enc.seqLen },
      { pooled: p.head.needsPooled },
    );
    t.encoder += performance.now() - t0;
    t0 = performance.now();
    const results = p.head.decode(outputs, { encodings: enc, texts: rows.map((x) => (typeof x === 'string' ? x : x[0])) });
    if (p.biEncoder) pairSimilarities(results as Embedding[]);
    t.head += performance.now() - t0;
  }
  return t;
}

const rows: Record<string, unknown>[] = [];
for (const c of CASES) {
  const lines = devLines(c.model);
  const input = join(tmp, `${c.model}.jsonl`);
  writeFileSync(input, `${lines.join('\n')}\n`);
  const dir = join(models, c.model);
  const runArgs = {
    model: dir, task: c.task, input, output: join(tmp, 'out.jsonl'), device, precision, batchSize,
    granularity: c.granularity, normalize: false, matching: 'cross-encoder' as const, maxLength: 128,
  };
  await runCommand(runArgs, quiet); // warm-up: CUDA context, GEMM choices, graphs
  const walls: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    await runCommand(runArgs, quiet);
    walls.push(performance.now() - t0);
  }
  const t0 = performance.now();
  const p = await Pipeline.load(dir, { task: c.task, device, precision, batchSize, granularity: c.granularity, maxLength: 128 });
  const loadMs = performance.now() - t0;
  await stages(p, lines.slice(0, batchSize * 4));
  const split = [];
  for (let r = 0; r < repeats; r++) split.push(await stages(p, lines));
  const pick = (k: 'tokenize' | 'encoder' | 'head') => median(split.map((s) => s[k]));
  const [tok, enc, head] = [pick('tokenize'), pick('encoder'), pick('head')];
  const wall = median(walls);
  const row = {
    task: c.name, model: c.model, lines: lines.length, device: p.encoder.device.name, precision: p.encoder.plan[0],
    sampRunMs: wall, sampRunTextsPerS: (lines.length / wall) * 1e3, loadMs,
    tokenizeMs: tok, encoderMs: enc, headMs: head, jsonLinesMs: Math.max(0, wall - loadMs - tok - enc - head),
    pipelineTextsPerS: (lines.length / (tok + enc + head)) * 1e3,
  };
  p.dispose();
  rows.push(row);
  console.log(
    `${device} ${c.name.padEnd(22)} ${lines.length} lines: samp run ${row.sampRunTextsPerS.toFixed(0)} texts/s (${wall.toFixed(0)} ms incl. load ${loadMs.toFixed(0)} ms); ` +
      `tokenize ${tok.toFixed(0)} ms, encoder ${enc.toFixed(0)} ms, head ${head.toFixed(0)} ms, JSON lines ${row.jsonLinesMs.toFixed(0)} ms`,
  );
}
writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), device, precision, batchSize, rows }, null, 1));
