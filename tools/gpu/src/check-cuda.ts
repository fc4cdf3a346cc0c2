// Runs on the GPU machine: every CUDA op against the CPU op, the three shared models on cpu / cuda against the
// PyTorch fixtures, and their 8-bit plans on cuda against the same plans on the cpu (the oracle: same calibration,
// same arithmetic), and each forward's CUDA graph against its eager run.
// Usage: node check.mjs MODELS_DIR FIXTURES_DIR REPORT.json
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Encoder, clipsFromStats } from '../../../packages/encoder/src/index.js';
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
  let max = 0;
  for (const o of outs.slice(1)) {
    const a = outs[0]!.lastHiddenState, b = o.lastHiddenState;
    for (let j = 0; j < a.length; j++) max = Math.max(max, Math.abs(a[j]! - b[j]!));
  }
  return max;
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
const quantized: unknown[] = [];
for (const name of ['chnsenticorp', 'lcqmc', 'cluener']) {
  const fixture = loadFixture(join(fixtures, `${name}.json.gz`));
  const dir = join(models, name);
  const head = readClassifier(dir, fixture.hiddenSize, fixture.numLabels);
  const tokenLevel = name === 'cluener';
  const fp32 = await Encoder.load(dir, { device: 'cpu', precision: 'fp32' });
  for (let i = 0; i < fixture.cases.length; i += 16) fp32.calibrate(padded(fixture.cases.slice(i, i + 16)));
  const calibration = clipsFromStats(fp32.calibrationStats(), fp32.shape.layers, { method: 'percentile' });
  fp32.dispose();
  for (const [mode, dtype8, lt] of [['fully-quant', 'int8', '1'], ['quant-ffn-only', 'int8', '1'], ['fully-quant', 'fp8', '1'], ['fully-quant', 'fp8', '0'], ['quant-ffn-only', 'fp8', '1']] as const) {
    const plan = `${mode}:${dtype8}${dtype8 === 'fp8' ? (lt === '1' ? ' (cuBLASLt where it runs)' : ' (own kernels)') : ''}`;
    try {
      process.env.SAMP_CUDA_FP8_LT = lt;
      const precision = { default: mode, dtype8 };
      const cpu = await Encoder.load(dir, { device: 'cpu', precision, calibration });
      const cuda = await Encoder.load(dir, { device: 'cuda', precision, calibration });
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
      quantized.push({ model: name, plan, error: String(error) });
      console.log(name, plan, String(error));
    }
  }
}
delete process.env.SAMP_CUDA_FP8_LT;
report.quantized = quantized;
writeFileSync(reportPath, JSON.stringify(report, null, 1));
