// BERT-base-shaped encoder (12 layers, hidden 768, 12 heads, FFN 3072, random weights): median ms per
// device-side forward at the benchmark grid's (batch, seq) points, all tokens valid. 8-bit plans are written
// MODE:DTYPE8 (e.g. fully-quant:fp8; a third part `mma` runs FP8 on the own kernels instead of cuBLASLt, `exact`
// on cuBLASLt without fast accumulation, `qkv16` without the qkv clip: the QKV output 16-bit, as before it was
// calibrated), calibrated on random tokens on the cpu (max clips; timing only).
// `--variants` times each precision under several settings of the environment the CUDA model reads when it is
// created (`name=VAR=value+VAR=value;name2=...`; an empty setting is the default), alternated over `--rounds`.
// Usage: node bench.mjs OUT.json [--device cuda|cpu] [--precision fp16,fp32,fully-quant:int8] [--points 1x32,1x128]
//        [--iters N] [--variants SPEC] [--rounds N]
import { writeFileSync } from 'node:fs';
import { type CalibrationClips, Encoder, randomBertWeights, randomCalibration } from '../../../packages/encoder/src/index.js';
import { type EncoderShape, runOp } from '../../../packages/kernels-cuda/src/index.js';
import { takeFlag } from './flags.mjs';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => takeFlag(args, name, fallback);
const device = flag('--device', 'cuda') as 'cuda' | 'cpu';
const precisions = flag('--precision', device === 'cuda' ? 'fp16,fp32' : 'fp32').split(',');
const points = flag('--points', device === 'cuda' ? '1x32,1x128,8x128,32x128,64x128' : '1x128,8x128')
  .split(',')
  .map((p) => p.split('x').map(Number) as [number, number]);
const iters = Number(flag('--iters', device === 'cuda' ? '200' : '10'));
const variants = flag('--variants', 'default=')
  .split(';')
  .filter(Boolean)
  .map((v) => {
    const [name, ...setting] = v.split('=');
    const env = setting.join('=').split('+').filter(Boolean).map((kv) => kv.split('=') as [string, string]);
    return { name: name!, env };
  });
const rounds = Number(flag('--rounds', '1'));
const out = args[0] ?? 'bench-samp.json';

const shape: EncoderShape = {
  vocab: 30522, hidden: 768, layers: 12, heads: 12, ffn: 3072, maxPositions: 512, typeVocab: 2, eps: 1e-12, hasPooler: true,
};
const weights = randomBertWeights(shape, 7);
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
const rows: unknown[] = [];
let calibration: CalibrationClips | undefined;
const calibrated = () => (calibration ??= randomCalibration(shape, weights, 128));
const withoutQkv = (c: CalibrationClips): CalibrationClips => {
  const strip = (list: CalibrationClips['int8']) => list.map(({ qkv: _, ...rest }) => rest);
  return { int8: strip(c.int8), fp8: strip(c.fp8) };
};
/** Times one precision under one variant's environment at every point. */
function benchPrecision(precision: string, variant: (typeof variants)[number], round: number) {
  const [mode, dtype8, kernel] = precision.split(':') as [string, 'int8' | 'fp8' | undefined, string | undefined];
  process.env.SAMP_CUDA_FP8_LT = kernel === 'mma' ? '0' : '1';
  process.env.SAMP_CUDA_FP8_FAST_ACCUM = kernel === 'exact' ? '0' : '1';
  for (const [k, v] of variant.env) process.env[k] = v;
  const clips = () => (kernel === 'qkv16' ? withoutQkv(calibrated()) : calibrated());
  const enc = dtype8
    ? Encoder.fromWeights(shape, weights, { device, precision: { default: mode as 'fully-quant', dtype8 }, calibration: clips() })
    : Encoder.fromWeights(shape, weights, { device, precision: mode as 'fp16' });
  for (const [k] of variant.env) delete process.env[k];
  const label = variants.length > 1 ? `${precision} [${variant.name}]` : precision;
  if (enc.planNotes.length > 0) console.log(`${label}: ${enc.planNotes.join('; ')}`);
  for (const [batch, seqLen] of points) {
    const n = batch * seqLen;
    const inputIds = Int32Array.from({ length: n }, (_, i) => (i * 7919) % shape.vocab);
    const inputs = { inputIds, attentionMask: new Int32Array(n).fill(1), batch, seqLen };
    const t = enc.benchmark(inputs, device === 'cuda' ? 30 : 2, iters);
    const ms = median(t.ms);
    const flops = shape.layers * n * (24 * shape.hidden ** 2 + 4 * seqLen * shape.hidden);
    const extra = variants.length > 1 || rounds > 1 ? { variant: variant.name, round } : {};
    rows.push({ precision, ...extra, batch, seq: seqLen, medianMs: ms, minMs: Math.min(...t.ms), tflops: flops / ms / 1e9 });
    console.log(`${device} ${label} (${batch},${seqLen}) median ${ms.toFixed(3)} ms  ${(flops / ms / 1e9).toFixed(1)} TFLOP/s`);
  }
  enc.dispose();
}

for (let round = 1; round <= rounds; round++)
  for (const precision of precisions) for (const variant of variants) benchPrecision(precision, variant, round);
// the CPU GEMM at M=1024, K=768, N=3072 (timed through runOp: includes packing the weight and copying operands)
let gemm: { m: number; k: number; n: number; medianGflops: number } | undefined;
if (device === 'cpu') {
  const [m, k, n] = [1024, 768, 3072];
  const a = weights.layers[0]!.ffn1W.slice(0, m * k), w = weights.layers[0]!.ffn1W;
  const times: number[] = [];
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    runOp('cpu', { op: 'gemm', f: [a, w], dims: [m, n, k] });
    times.push(performance.now() - t0);
  }
  gemm = { m, k, n, medianGflops: (2 * m * n * k) / median(times) / 1e6 };
  console.log(`cpu fp32 GEMM ${m}x${k}x${n}: ${gemm.medianGflops.toFixed(1)} GFLOP/s`);
}
writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), device, rows, gemm }, null, 1));
