// Runs on the GPU machine: every CUDA op against the CPU op, the three shared models on cpu / cuda against the
// PyTorch fixtures, and their 8-bit plans on cuda against the same plans on the cpu (the oracle: same calibration,
// same arithmetic), and each forward's CUDA graph against its eager run.
// Usage: node check.mjs MODELS_DIR FIXTURES_DIR REPORT.json
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Encoder, clipsFromStats, randomBertWeights, randomCalibration, randomTokenInputs } from '../../../packages/encoder/src/index.js';
import { argmax, compare, emptyComparison, linear, loadFixture, padded, readClassifier } from '../../../packages/encoder/test/fixtures.js';
import { type EncoderOutputs, listDevices, runOp } from '../../../packages/kernels-cuda/src/index.js';
import { maxAbsDiff, opCases } from '../../../packages/kernels-cuda/test/op-cases.js';

const [models, fixtures, reportPath] = process.argv.slice(2) as [string, string, string];
const report: Record<string, unknown> = { date: new Date().toISOString(), devices: listDevices().map((d) => d.name) };

const ops: unknown[] = [];
let opFailures = 0;
for (const c of opCases()) {
  const cpu = runOp('cpu', c.call);
  for (const precision of ['fp32', 'fp16', 'bf16'] as const) {
    try {
      const err = maxAbsDiff(runOp('cuda', { ...c.call, precision }), cpu);
      const pass = err <= c.tolerance[precision];
      if (!pass) opFailures++;
      ops.push({ case: c.name, precision, maxAbs: err, tolerance: c.tolerance[precision], pass });
    } catch (error) {
      opFailures++;
      ops.push({ case: c.name, precision, error: String(error) });
    }
  }
}
// INT8 GEMM: the tensor-core kernel against the CPU's VNNI / AVX2 kernel (integer products are exact on both)
let seed = 11;
const rand = (n: number, scale: number) => Float32Array.from({ length: n }, () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5) * scale);
for (const [m, n, k] of [[1, 16, 32], [37, 48, 80], [300, 768, 768], [1000, 3072, 768], [129, 768, 3072]] as const) {
  for (const epilogue of [0, 1, 2] as const) {
    const call = { op: 'gemm_i8' as const, f: [rand(m * k, 4), rand(n * k, 0.2), Float32Array.of(2 / 127), ...(epilogue ? [rand(n, 1)] : [])], dims: [m, n, k], epilogue };
    const name = `gemm_i8 ${m}x${n}x${k} epilogue ${epilogue}`;
    try {
      const err = maxAbsDiff(runOp('cuda', call), runOp('cpu', call));
      const pass = err <= 1e-3;
      if (!pass) opFailures++;
      ops.push({ case: name, precision: 'int8', maxAbs: err, tolerance: 1e-3, pass });
    } catch (error) {
      opFailures++;
      ops.push({ case: name, precision: 'int8', error: String(error) });
    }
  }
}
report.ops = ops;
report.opFailures = opFailures;
console.log(`ops: ${ops.length - opFailures}/${ops.length} within tolerance`);

/** The largest difference between an eager forward and its CUDA graph, captured and then replayed (a shape runs
 * eagerly when first seen, is captured on the second sight and replayed from the third; 15 sequences, a shape the
 * loops above do not run): the graph's edges (overlapping launches) must not change a single output. */
async function replayDiff(enc: Encoder, inputs: ReturnType<typeof padded>) {
  const outs = [await enc.forward(inputs), await enc.forward(inputs), await enc.forward(inputs)];
  return Math.max(...outs.slice(1).map((o) => maxAbsDiff(outs[0]!.lastHiddenState, o.lastHiddenState)));
}

const results: unknown[] = [];
for (const name of ['chnsenticorp', 'lcqmc', 'cluener']) {
  const fixture = loadFixture(join(fixtures, `${name}.json.gz`));
  const dir = join(models, name);
  const head = readClassifier(dir, fixture.hiddenSize, fixture.numLabels);
  for (const [device, precision] of [['cpu', 'fp32'], ['cuda', 'fp32'], ['cuda', 'fp16'], ['cuda', 'bf16']] as const) {
    try {
      const enc = await Encoder.load(dir, { device, precision });
      const r = emptyComparison();
      for (let i = 0; i < fixture.cases.length; i += 16) {
        const cases = fixture.cases.slice(i, i + 16);
        compare(cases, await enc.forward(padded(cases)), head, fixture.numLabels, r);
      }
      const replayMaxDiff = await replayDiff(enc, padded(fixture.cases.slice(0, 15)));
      enc.dispose();
      results.push({ model: name, device, precision, ...r, argmaxRate: r.argmaxAgree / r.argmaxTotal, replayMaxDiff });
      console.log(name, device, precision, JSON.stringify(r));
    } catch (error) {
      results.push({ model: name, device, precision, error: String(error) });
      console.log(name, device, precision, String(error));
    }
  }
}
report.models = results;

// 8-bit plans: cuda against cpu with the same clips (calibrated on the fixture inputs, percentile)
/** The head's predicted label for sequence b (pooled) or its token t. */
function predicted(out: EncoderOutputs, b: number, t: number | undefined, head: { w: Float32Array; b: Float32Array }, labels: number) {
  const H = out.hidden;
  const logits = t === undefined ? linear(out.pooled!, b * H, head.w, head.b, H, labels) : linear(out.lastHiddenState, (b * out.seqLen + t) * H, head.w, head.b, H, labels);
  return argmax(logits, 0, labels);
}
/** Percentile clips of the model's fp32 cpu forward over its fixture inputs (the 8-bit and split sections'). */
const calibrations = new Map<string, ReturnType<typeof clipsFromStats>>();
async function fixtureCalibration(name: string, dir: string, fixture: ReturnType<typeof loadFixture>) {
  const known = calibrations.get(name);
  if (known) return known;
  const fp32 = await Encoder.load(dir, { device: 'cpu', precision: 'fp32' });
  for (let i = 0; i < fixture.cases.length; i += 16) fp32.calibrate(padded(fixture.cases.slice(i, i + 16)));
  const calibration = clipsFromStats(fp32.calibrationStats(), fp32.shape.layers, { method: 'percentile' });
  fp32.dispose();
  calibrations.set(name, calibration);
  return calibration;
}
const quantized: unknown[] = [];
for (const name of ['chnsenticorp', 'lcqmc', 'cluener']) {
  const fixture = loadFixture(join(fixtures, `${name}.json.gz`));
  const dir = join(models, name);
  const head = readClassifier(dir, fixture.hiddenSize, fixture.numLabels);
  const tokenLevel = name === 'cluener';
  const calibration = await fixtureCalibration(name, dir, fixture);
  // lt: FP8 GEMMs through cuBLASLt ('1'), the own kernels ('0'), or cuBLASLt with FFN1's bias in its reduction ('k')
  for (const [mode, dtype8, lt] of [['fully-quant', 'int8', '1'], ['quant-ffn-only', 'int8', '1'], ['fully-quant', 'fp8', '1'], ['fully-quant', 'fp8', '0'], ['quant-ffn-only', 'fp8', '1'], ['fully-quant', 'fp8', 'k'], ['quant-ffn-only', 'fp8', 'k']] as const) {
    const how = { 1: ' (cuBLASLt where it runs)', 0: ' (own kernels)', k: ' (cuBLASLt, FFN1 bias in K)' }[lt];
    const plan = `${mode}:${dtype8}${dtype8 === 'fp8' ? how : ''}`;
    try {
      process.env.SAMP_CUDA_FP8_LT = lt === '0' ? '0' : '1';
      if (lt === 'k') process.env.SAMP_CUDA_FFN1_BIAS_K = '1';
      const precision = { default: mode, dtype8 };
      const cpu = await Encoder.load(dir, { device: 'cpu', precision, calibration });
      const cuda = await Encoder.load(dir, { device: 'cuda', precision, calibration });
      delete process.env.SAMP_CUDA_FFN1_BIAS_K;
      let maxHidden = 0, maxPooled = 0, agree = 0, total = 0;
      for (let i = 0; i < fixture.cases.length; i += 16) {
        const cases = fixture.cases.slice(i, i + 16);
        const inputs = padded(cases);
        const [a, b] = [await cpu.forward(inputs), await cuda.forward(inputs)];
        cases.forEach((c, bi) => {
          const H = a.hidden;
          for (let t = 0; t < c.ids.length; t++) {
            const at = (bi * a.seqLen + t) * H;
            for (let j = 0; j < H; j++) maxHidden = Math.max(maxHidden, Math.abs(a.lastHiddenState[at + j]! - b.lastHiddenState[at + j]!));
          }
          if (a.pooled && b.pooled) for (let j = 0; j < H; j++) maxPooled = Math.max(maxPooled, Math.abs(a.pooled[bi * H + j]! - b.pooled[bi * H + j]!));
          const positions = tokenLevel ? c.ids.map((_, t) => t) : [undefined];
          for (const t of positions) {
            total++;
            if (predicted(a, bi, t, head, fixture.numLabels) === predicted(b, bi, t, head, fixture.numLabels)) agree++;
          }
        });
      }
      const replayMaxDiff = await replayDiff(cuda, padded(fixture.cases.slice(0, 15)));
      cpu.dispose();
      cuda.dispose();
      const row = {
        model: name, plan, maxHidden, maxPooled, agree, total, agreement: agree / total, replayMaxDiff, notes: cuda.planNotes,
      };
      quantized.push(row);
      console.log(name, plan, JSON.stringify(row));
    } catch (error) {
      delete process.env.SAMP_CUDA_FFN1_BIAS_K;
      quantized.push({ model: name, plan, error: String(error) });
      console.log(name, plan, String(error));
    }
  }
}
delete process.env.SAMP_CUDA_FP8_LT;
report.quantized = quantized;

// a forward split into two halves on two streams (SAMP_CUDA_SPLIT_ROWS) against the same forward on one stream:
// the halves are whole sequences, so only the GEMMs' algorithms (chosen for half the rows) may round differently
const split: unknown[] = [];
for (const name of ['chnsenticorp', 'lcqmc', 'cluener']) {
  const fixture = loadFixture(join(fixtures, `${name}.json.gz`));
  const dir = join(models, name);
  const calibration = await fixtureCalibration(name, dir, fixture);
  for (const plan of ['fp16', 'fully-quant:fp8', 'fully-quant:int8'] as const) {
    try {
      const [mode, dtype8] = plan.split(':') as ['fp16' | 'fully-quant', 'fp8' | 'int8' | undefined];
      const options = dtype8 ? { device: 'cuda' as const, precision: { default: mode, dtype8 }, calibration } : { device: 'cuda' as const, precision: mode };
      const one = await Encoder.load(dir, options);
      process.env.SAMP_CUDA_SPLIT_ROWS = '1';
      const two = await Encoder.load(dir, options);
      delete process.env.SAMP_CUDA_SPLIT_ROWS;
      let maxHidden = 0, maxPooled = 0;
      for (let i = 0; i < fixture.cases.length; i += 16) {
        const inputs = padded(fixture.cases.slice(i, i + 16));
        const [a, b] = [await one.forward(inputs), await two.forward(inputs)];
        maxHidden = Math.max(maxHidden, maxAbsDiff(a.lastHiddenState, b.lastHiddenState));
        if (a.pooled && b.pooled) maxPooled = Math.max(maxPooled, maxAbsDiff(a.pooled, b.pooled));
      }
      const replayMaxDiff = await replayDiff(two, padded(fixture.cases.slice(0, 15)));
      // one (batch, seq, rows) with two split rows (the same sequences in reverse order), alternated so that each
      // is run eagerly, captured and replayed: a graph must never be replayed for the other split
      const forward = padded(fixture.cases.slice(0, 16)), backward = padded(fixture.cases.slice(0, 16).reverse());
      let alternatedMaxDiff = 0;
      for (let round = 0; round < 3; round++)
        for (const inputs of [forward, backward]) {
          const [a, b] = [await one.forward(inputs), await two.forward(inputs)];
          alternatedMaxDiff = Math.max(alternatedMaxDiff, maxAbsDiff(a.lastHiddenState, b.lastHiddenState));
        }
      one.dispose();
      two.dispose();
      const row = { model: name, plan, maxHidden, maxPooled, replayMaxDiff, alternatedMaxDiff };
      split.push(row);
      console.log(name, 'split', JSON.stringify(row));
    } catch (error) {
      split.push({ model: name, plan, error: String(error) });
      console.log(name, 'split', plan, String(error));
    }
  }
}
report.split = split;

// BERT-base width (768: the LayerNorm instances of full 8-bit rows that the shared models, of width 256, never
// reach), two random layers: cuda against the cpu with the same clips, on one stream and split in two halves
const wide: unknown[] = [];
{
  const shape = { vocab: 2000, hidden: 768, layers: 2, heads: 12, ffn: 3072, maxPositions: 512, typeVocab: 2, eps: 1e-12, hasPooler: true };
  const weights = randomBertWeights(shape, 3);
  const calibration = randomCalibration(shape, weights, 128);
  // 24 sequences of 57 to 95 tokens; the split falls between the 12th and 13th, at row 944: a multiple of 16, as
  // the 784-byte rows of an FFN input with bias columns need for the second half's 256-byte alignment
  const inputs = { ...randomTokenInputs(shape.vocab, 24, 96, 5), attentionMask: Int32Array.from({ length: 24 * 96 }, (_, i) => (i % 96 < 96 - ((Math.floor(i / 96) * 6 + 1) % 40) ? 1 : 0)) };
  for (const dtype8 of ['fp8', 'int8'] as const) {
    try {
      const precision = { default: 'fully-quant' as const, dtype8 };
      const cpu = Encoder.fromWeights(shape, weights, { device: 'cpu', precision, calibration });
      const ref = await cpu.forward(inputs);
      cpu.dispose();
      // the default, the 8-bit-only LayerNorm instances (the same arithmetic, so identical to the default), those
      // with the split, and FFN1's bias in its reduction (FP8 only: identical to the default for INT8)
      let byDefault: Float32Array | undefined;
      for (const [name, env] of [['default', {}], ['ln-q8-only', { SAMP_CUDA_LN_Q8_ONLY: '1' }],
        ['ln-q8-only, split', { SAMP_CUDA_LN_Q8_ONLY: '1', SAMP_CUDA_SPLIT_ROWS: '1' }],
        ['split, GEMMs for 66 SMs', { SAMP_CUDA_SPLIT_ROWS: '1', SAMP_CUDA_SPLIT_SMS: '66' }],
        ['ffn1 bias in K', { SAMP_CUDA_FFN1_BIAS_K: '1' }],
        ['ffn1 bias in K, ln-q8-only, split', { SAMP_CUDA_FFN1_BIAS_K: '1', SAMP_CUDA_LN_Q8_ONLY: '1', SAMP_CUDA_SPLIT_ROWS: '1' }]] as const) {
        Object.assign(process.env, env);
        const cuda = Encoder.fromWeights(shape, weights, { device: 'cuda', precision, calibration });
        for (const key of Object.keys(env)) delete process.env[key];
        let maxHidden = 0, sum = 0, vsDefault = 0;
        for (let round = 0; round < 3; round++) {  // eager, captured, replayed
          const out = await cuda.forward(inputs);
          byDefault ??= out.lastHiddenState;
          for (let j = 0; j < ref.lastHiddenState.length; j++) {
            const d = Math.abs(ref.lastHiddenState[j]! - out.lastHiddenState[j]!);
            maxHidden = Math.max(maxHidden, d);
            vsDefault = Math.max(vsDefault, Math.abs(byDefault[j]! - out.lastHiddenState[j]!));
            if (round === 0) sum += d;
          }
        }
        cuda.dispose();
        const row = { dtype8, variant: name, maxHidden, meanHidden: sum / ref.lastHiddenState.length, vsDefault };
        wide.push(row);
        console.log('width 768', JSON.stringify(row));
      }
    } catch (error) {
      wide.push({ dtype8, error: String(error) });
      console.log('width 768', dtype8, String(error));
    }
  }
}
report.wide = wide;
writeFileSync(reportPath, JSON.stringify(report, null, 1));
