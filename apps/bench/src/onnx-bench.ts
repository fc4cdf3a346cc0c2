// samp on the CPU against onnxruntime-node on samp's ONNX export of the same model, in the same run: samp fp32 and
// fully-quant INT8 (VNNI), ONNX Runtime fp32, its dynamic INT8 quantization (MatMulInteger, the graph
// `samp convert --onnx-int8 dynamic` writes, as onnxruntime.quantization.quantize_dynamic does) and the static QDQ
// INT8 graph of samp's fully-quant plan (`--onnx-int8 qdq`, same clips as samp's engine). Models: a random-weight
// BERT-base (classifier head, 2 labels) and the shared chnsenticorp. Each engine runs in a process of its own, the
// engines alternating over rounds; a round is the median of N calls (wall clock per call of encoder + head, random
// tokens, all valid), and the result the median of the rounds.
// Usage (from apps/bench): node src/run-ts.mjs src/onnx-bench.ts MODELS_DIR OUT.json [--points 1x128,8x128]
//        [--iters N] [--rounds N]
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type * as Ort from 'onnxruntime-node';
import { BERT_BASE } from '../../../packages/cli/src/bench-command.js';
import { exportOnnx } from '../../../packages/converters/src/index.js';
import {
  type CalibrationClips, Checkpoint, Encoder, type EncoderShape, encoderShape, randomBertWeights, randomCalibration, randomTokenInputs, readBertConfig,
  readEncoderWeights, writeBertModel, writeQuantFile,
} from '../../../packages/encoder/src/index.js';
import { takeFlag } from './flags.mjs';
import { median as medianOfSorted } from './stats.mjs';

// onnxruntime-node loads its own native binding: required from this package, not bundled
const ort = createRequire(resolve('package.json'))('onnxruntime-node') as typeof Ort;

const args = process.argv.slice(2);
const points = takeFlag(args, '--points', '1x128,8x128').split(',').map((p) => p.split('x').map(Number) as [number, number]);
const iters = Number(takeFlag(args, '--iters', '10'));
const rounds = Number(takeFlag(args, '--rounds', '3'));
const [modelsDir, outPath] = args as [string, string];
const work = args.includes('--child') ? '' : mkdtempSync(join(tmpdir(), 'samp-onnx-bench-'));


function bertBaseDir(): string {
  const dir = join(work, 'bert-base');
  const weights = randomBertWeights(BERT_BASE, 1);
  const classifier = { data: Float32Array.from({ length: 2 * 768 }, (_, i) => Math.sin(i) * 0.02), shape: [2, 768] };
  writeBertModel(dir, BERT_BASE, weights, {
    config: { architectures: ['BertForSequenceClassification'], id2label: { 0: 'a', 1: 'b' } },
    extra: { 'classifier.weight': classifier, 'classifier.bias': { data: new Float32Array(2), shape: [2] } },
  });
  return dir;
}

type Engine = { name: string; run: (batch: number, seq: number, ids: Int32Array) => Promise<void>; close: () => Promise<void> };

async function sampEngine(name: string, dir: string, int8: boolean, calibration?: CalibrationClips): Promise<Engine> {
  const enc = int8
    ? await Encoder.load(dir, { device: 'cpu', precision: { default: 'fully-quant', dtype8: 'int8' }, calibration })
    : await Encoder.load(dir, { device: 'cpu', precision: 'fp32' });
  return {
    name,
    run: async (batch, seqLen, inputIds) => {
      enc.forwardSync({ inputIds, attentionMask: new Int32Array(inputIds.length).fill(1), tokenTypeIds: new Int32Array(inputIds.length), batch, seqLen }, { pooled: true });
    },
    close: async () => enc.dispose(),
  };
}

async function ortEngine(name: string, path: string): Promise<Engine> {
  const session = await ort.InferenceSession.create(path, { graphOptimizationLevel: 'all', executionMode: 'sequential' });
  return {
    name,
    run: async (batch, seq, ids) => {
      const t = (v: BigInt64Array) => new ort.Tensor('int64', v, [batch, seq]);
      await session.run({ input_ids: t(BigInt64Array.from(ids, BigInt)), attention_mask: t(new BigInt64Array(ids.length).fill(1n)), token_type_ids: t(new BigInt64Array(ids.length)) });
    },
    close: () => session.release(),
  };
}

const median = (a: number[]): number => medianOfSorted([...a].sort((x, y) => x - y));

/** The model's shape and max clips from random tokens (as samp bench calibrates: the timing does not depend on
 * the clip values). */
function shapeAndClips(dir: string): { shape: EncoderShape; calibration: CalibrationClips } {
  const ckpt = Checkpoint.open(dir);
  try {
    const shape = encoderShape(readBertConfig(dir), ckpt);
    return { shape, calibration: randomCalibration(shape, readEncoderWeights(ckpt, shape), 128) };
  } finally {
    ckpt.close();
  }
}

const ENGINES = ['samp fp32', 'samp fully-quant int8', 'onnxruntime fp32', 'onnxruntime dynamic int8', 'onnxruntime qdq int8'] as const;
type EngineName = (typeof ENGINES)[number];

/** Child mode: one engine in a process of its own (two thread pools that spin would take each other's cores),
 * medians per point as the last stdout line. */
async function child(engine: EngineName, dir: string, onnx: string): Promise<void> {
  const { shape, calibration } = shapeAndClips(dir);
  const e = engine === 'samp fp32' ? await sampEngine(engine, dir, false)
    : engine === 'samp fully-quant int8' ? await sampEngine(engine, dir, true, calibration)
    : await ortEngine(engine, onnx);
  const out: Record<string, number> = {};
  for (const [batch, seq] of points) {
    const ids = randomTokenInputs(shape.vocab, batch, seq, 1).inputIds;
    for (let i = 0; i < 2; i++) await e.run(batch, seq, ids); // warm-up
    const t: number[] = [];
    for (let i = 0; i < iters; i++) {
      const t0 = performance.now();
      await e.run(batch, seq, ids);
      t.push(performance.now() - t0);
    }
    out[`${batch}x${seq}`] = median(t);
  }
  await e.close();
  console.log(JSON.stringify(out));
}

const childAt = args.indexOf('--child');
if (childAt >= 0) {
  await child(args[childAt + 1] as EngineName, args[childAt + 2]!, args[childAt + 3]!);
  process.exit(0);
}

/** A copy of the model directory with a fully-quant INT8 samp.json (clips from random tokens, as samp's engine
 * uses): what the QDQ export reads. */
function withPlan(dir: string, model: string): string {
  const out = join(work, `${model}-fq`);
  mkdirSync(out, { recursive: true });
  for (const f of ['config.json', 'model.safetensors']) copyFileSync(join(dir, f), join(out, f));
  writeQuantFile(out, { plan: { default: 'fully-quant', dtype8: 'int8' }, calibration: { method: 'max', samples: 8, tokens: 1024 }, clips: shapeAndClips(dir).calibration });
  return out;
}

const rows: Record<string, unknown>[] = [];
for (const [model, dir] of [['bert-base', bertBaseDir()], ['chnsenticorp', join(modelsDir, 'chnsenticorp')]] as const) {
  const fp32 = exportOnnx(dir, join(work, `${model}.onnx`));
  const int8 = exportOnnx(dir, join(work, `${model}.int8.onnx`), { int8: 'dynamic' });
  const qdq = exportOnnx(withPlan(dir, model), join(work, `${model}.qdq.onnx`), { int8: 'qdq' });
  const times = new Map<string, number[]>(); // "engine|point" -> each round's median
  for (let r = 0; r < rounds; r++) {
    for (const engine of ENGINES) {
      const onnx = engine === 'onnxruntime dynamic int8' ? int8.path : engine === 'onnxruntime qdq int8' ? qdq.path : fp32.path;
      const pts = points.map(([b, q]) => `${b}x${q}`).join(',');
      const res = spawnSync(process.execPath, [process.argv[1]!, '--points', pts, '--iters', String(iters), '--child', engine, dir, onnx], { encoding: 'utf8' });
      if (res.status !== 0) throw new Error(`${engine} on ${model} failed: ${res.stderr}`);
      const medians = JSON.parse(res.stdout.trim().split('\n').pop()!) as Record<string, number>;
      for (const [pt, ms] of Object.entries(medians)) times.set(`${engine}|${pt}`, [...(times.get(`${engine}|${pt}`) ?? []), ms]);
    }
  }
  for (const [batch, seq] of points) {
    const ms = Object.fromEntries(ENGINES.map((e) => [e, median(times.get(`${e}|${batch}x${seq}`)!)]));
    const rounds_ms = Object.fromEntries(ENGINES.map((e) => [e, times.get(`${e}|${batch}x${seq}`)]));
    rows.push({ model, batch, seq, iters_per_round: iters, rounds, median_ms: ms, round_medians_ms: rounds_ms, onnx_bytes: { fp32: fp32.bytes, int8: int8.bytes, qdq: qdq.bytes } });
    console.log(`${model} (${batch},${seq}): ${Object.entries(ms).map(([n, v]) => `${n} ${v.toFixed(2)} ms`).join(', ')}`);
  }
}

const c = cpus();
writeFileSync(outPath, `${JSON.stringify({ cpu: c[0]?.model, cores: c.length, node: process.version, onnxruntime: (createRequire(resolve('package.json'))('onnxruntime-node/package.json') as { version: string }).version, date: new Date().toISOString().slice(0, 10), rows }, null, 2)}\n`);
rmSync(work, { recursive: true, force: true });
