// 8-bit layers on the cpu: the native forward against the reference of the same arithmetic, calibration, plans
// and the samp.json sidecar.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Device, type EncoderShape, type LayerClips, type LayerPlan, SampError } from '@samp/kernels-cuda';
import { describe, expect, it } from 'vitest';
import {
  Encoder,
  QUANT_FILE,
  clipsFromStats,
  randomBertWeights,
  readQuantFile,
  resolvePlan,
  writeBertModel,
  writeQuantFile,
} from '../src/index.js';
import { referenceForward } from './quant-reference.js';

type Sidecar = { version: number; plan: { default: string }; clips: { int8: unknown[]; fp8: { ctx: number; qkv?: number }[] } };

const shape: EncoderShape = { vocab: 50, hidden: 32, layers: 3, heads: 2, ffn: 64, maxPositions: 16, typeVocab: 2, eps: 1e-12, hasPooler: false };
const weights = randomBertWeights(shape, 5);
// larger weights than BERT's initializer, so activations spread over many 8-bit steps
for (const l of weights.layers) for (const k of ['qkvW', 'attnOutW', 'ffn1W', 'ffn2W'] as const) l[k].forEach((v, i, a) => (a[i] = v * 8));

function batch(seed: number, n: number, seq: number) {
  let s = seed;
  const next = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const inputIds = Int32Array.from({ length: n * seq }, () => Math.floor(next() * shape.vocab));
  const tokenTypeIds = Int32Array.from({ length: n * seq }, (_, i) => (i % seq >= seq / 2 ? 1 : 0));
  return { inputIds, tokenTypeIds, batch: n, seqLen: seq };
}

function calibrate() {
  const enc = Encoder.fromWeights(shape, weights, { device: 'cpu', precision: 'fp32' });
  for (let b = 0; b < 4; b++) enc.calibrate(batch(100 + b, 4, 12));
  const stats = enc.calibrationStats();
  enc.dispose();
  return stats;
}

const stats = calibrate();
const clips = clipsFromStats(stats, shape.layers, { method: 'max' });

type Mode = 'fp32' | 'quant-ffn-only' | 'fully-quant';
/** A layer's clips as a sidecar written before the QKV output was calibrated has them. */
const withoutQkv = ({ qkv: _, ...rest }: LayerClips): LayerClips => rest;
const input = batch(7, 1, 10);
const ids = Array.from(input.inputIds), types = Array.from(input.tokenTypeIds);

/** The native forward of `input` with these layer modes, and the layer plans the encoder resolved. */
function runNative(modes: Mode[], dtype8: 'int8' | 'fp8', qkv8 = true) {
  const layers = Object.fromEntries(modes.map((m, i) => [i, m]));
  const calibration = qkv8 ? clips : { int8: clips.int8.map(withoutQkv), fp8: clips.fp8.map(withoutQkv) };
  const enc = Encoder.fromWeights(shape, weights, { device: 'cpu', precision: { default: 'fp32', layers, dtype8 }, calibration });
  const got = enc.forwardSync(input).lastHiddenState;
  const resolved = enc.layers;
  enc.dispose();
  return { got, layers: resolved };
}

/** |native - reference| of every hidden value, sorted. */
function sortedDiffs(got: Float32Array, want: Float64Array[]): number[] {
  return want.flatMap((row, t) => Array.from(row, (x, j) => Math.abs(got[t * shape.hidden + j]! - x))).sort((a, b) => a - b);
}

const median = (sorted: number[]) => sorted[sorted.length >> 1]!;

describe('8-bit layers on the cpu', () => {
  const cases: [string, Mode[], 'int8' | 'fp8', boolean?][] = [
    ['fully-quant int8', ['fully-quant', 'fully-quant', 'fully-quant'], 'int8'],
    ['quant-ffn-only int8', ['quant-ffn-only', 'quant-ffn-only', 'quant-ffn-only'], 'int8'],
    ['mixed int8', ['fp32', 'fully-quant', 'quant-ffn-only'], 'int8'],
    ['mixed int8, fully-quant after quant-ffn-only', ['quant-ffn-only', 'fully-quant', 'fp32'], 'int8'],
    ['fully-quant fp8 (emulated)', ['fully-quant', 'fully-quant', 'fully-quant'], 'fp8'],
    ['mixed fp8', ['fully-quant', 'fp32', 'quant-ffn-only'], 'fp8'],
    ['fully-quant int8 with a 16-bit QKV output (no qkv clip)', ['fully-quant', 'fully-quant', 'fully-quant'], 'int8', false],
    ['fully-quant fp8 with a 16-bit QKV output (no qkv clip)', ['fully-quant', 'fully-quant', 'fully-quant'], 'fp8', false],
  ];
  for (const [name, modes, dtype8, qkv8 = true] of cases) {
    it(`${name} equals the reference arithmetic`, () => {
      const layerClips = (i: number) => (qkv8 ? clips[dtype8][i]! : withoutQkv(clips[dtype8][i]!));
      const plan = modes.map((mode, i): LayerPlan => (mode === 'fp32' ? { mode } : { mode, dtype8, clips: layerClips(i) }));
      const { got, layers } = runNative(modes, dtype8, qkv8);
      expect(layers).toEqual(plan);
      const diffs = sortedDiffs(got, referenceForward(shape, weights, plan, ids, types));
      // the same arithmetic up to float rounding; an 8-bit value may round the other way at a tie-close boundary
      expect(median(diffs)).toBeLessThan(1e-5);
      expect(diffs[Math.floor(diffs.length * 0.98)]!).toBeLessThan(1e-3);
    });
  }

  it('tells the arithmetic apart: an fp32 reference does not pass as fully-quant', () => {
    const plan: LayerPlan[] = [0, 1, 2].map((i) => ({ mode: 'fully-quant', dtype8: 'int8', clips: clips.int8[i]! }));
    const { got } = runNative(['fully-quant', 'fully-quant', 'fully-quant'], 'int8');
    expect(median(sortedDiffs(got, referenceForward(shape, weights, plan, ids, types)))).toBeLessThan(1e-5);
    const fp32 = referenceForward(shape, weights, plan.map(() => ({ mode: 'fp32' })), ids, types);
    expect(median(sortedDiffs(got, fp32))).toBeGreaterThan(1e-3);
  });

  it('calibration records the largest |x| at each point, as the fp32 forward sees it', () => {
    expect(stats).toHaveLength(shape.layers * 5);
    for (const s of stats) {
      expect(s.amax).toBeGreaterThan(0);
      expect(s.range).toBeGreaterThanOrEqual(s.amax);
      expect(s.counts.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    }
    // every token of the 4 x 4 x 12 calibration inputs at the ffn-mid point: 192 tokens x 64 values
    expect(stats[3]!.counts.reduce((a, b) => a + b, 0)).toBe(192 * 64);
    // and at the qkv point (the QKV GEMM's output before its bias): 192 tokens x 96 values
    expect(stats[4]!.counts.reduce((a, b) => a + b, 0)).toBe(192 * 96);
    const pct = clipsFromStats(stats, shape.layers, { method: 'percentile', percentile: 99 });
    const mse = clipsFromStats(stats, shape.layers, { method: 'mse' });
    for (let i = 0; i < shape.layers; i++) {
      expect(pct.int8[i]!.ffnMid).toBeLessThanOrEqual(clips.int8[i]!.ffnMid);
      expect(mse.int8[i]!.ffnMid).toBeLessThanOrEqual(clips.int8[i]!.ffnMid);
      expect(mse.int8[i]!.ffnMid).toBeGreaterThan(0);
    }
  });

  it('refuses quantized plans without calibration, and calibration of a quantized model', () => {
    expect(() => Encoder.fromWeights(shape, weights, { device: 'cpu', precision: 'fully-quant' })).toThrow(expect.objectContaining({ code: 'SAMP_NOT_CALIBRATED' }));
    expect(() => Encoder.fromWeights(shape, weights, { device: 'cpu', precision: { default: 'fp32', dtype8: 'int4' as never } })).toThrow(/"int8", "fp8" or "auto"/);
    expect(() => Encoder.fromWeights(shape, weights, { device: 'cpu', precision: 'int8' as never })).toThrow(/"quant-ffn-only", "fully-quant"/);
    const q = Encoder.fromWeights(shape, weights, { device: 'cpu', precision: 'quant-ffn-only', calibration: clips });
    expect(() => q.calibrate(batch(1, 1, 4))).toThrow(SampError);
    q.dispose();
  });

  it('resolves auto to int8 on the cpu, notes fp8 emulation and fp16 fallbacks', () => {
    const cpu = Encoder.fromWeights(shape, weights, { device: 'cpu', precision: 'fully-quant', calibration: clips });
    expect(cpu.layers.map((l) => l.dtype8)).toEqual(['int8', 'int8', 'int8']);
    cpu.dispose();
    const r = resolvePlan({ default: 'fp16', layers: { 1: 'fully-quant' }, dtype8: 'fp8' }, cpu.device, 3, clips);
    expect(r.layers.map((l) => l.mode)).toEqual(['fp32', 'fully-quant', 'fp32']);
    expect(r.notes.join('\n')).toMatch(/fp16, which the cpu device does not run/);
    expect(r.notes.join('\n')).toMatch(/fp8 runs emulated/);
  });

  it('runs the other 8-bit type where the device lacks the one asked for, and says so', () => {
    // a device described as an sm_80 GPU: INT8 tensor cores, no FP8
    const ampere: Device = {
      kind: 'cuda', index: 0, name: 'A100 (sm_80)', precisions: ['fp32', 'fp16', 'bf16'],
      modes: ['fp32', 'fp16', 'bf16', 'quant-ffn-only', 'fully-quant'], eightBit: { int8: 'native', fp8: 'none' }, supports: () => true,
    };
    const r = resolvePlan({ default: 'fully-quant', layers: { 2: 'fp16' }, dtype8: 'fp8' }, ampere, 3, clips);
    expect(r.layers.map((l) => [l.mode, l.dtype8])).toEqual([['fully-quant', 'int8'], ['fully-quant', 'int8'], ['fp16', undefined]]);
    expect(r.layers[0]!.clips).toEqual(clips.int8[0]);
    expect(r.notes.join('\n')).toMatch(/fp8 does not run on A100 \(sm_80\): the 8-bit layers run int8/);
    expect(resolvePlan({ default: 'fully-quant' }, ampere, 3, clips).layers.map((l) => l.dtype8)).toEqual(['int8', 'int8', 'int8']);
    // a device with no 8-bit type at all runs the layers in float
    const none: Device = { ...ampere, eightBit: { int8: 'none', fp8: 'none' } };
    const f = resolvePlan({ default: 'quant-ffn-only', dtype8: 'int8' }, none, 3, clips);
    expect(f.layers.map((l) => l.mode)).toEqual(['fp16', 'fp16', 'fp16']);
    expect(f.notes.join('\n')).toMatch(/3 layer\(s\) asked for quant-ffn-only int8/);
  });

  it('loads the plan and clips of a samp.json sidecar; --plan overrides the plan only; bad sidecars are refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'samp-quant-'));
    writeBertModel(dir, shape, weights);
    writeQuantFile(dir, { plan: { default: 'fully-quant', layers: { 2: 'fp32' }, dtype8: 'int8' }, calibration: { method: 'max', samples: 16, tokens: 192 }, clips });
    const a = await Encoder.load(dir, { device: 'cpu' });
    expect(a.plan).toEqual(['fully-quant', 'fully-quant', 'fp32']);
    expect(a.quantization?.calibration.method).toBe('max');
    const inp = batch(7, 2, 10);
    const viaFile = a.forwardSync(inp).lastHiddenState;
    a.dispose();
    const b = Encoder.fromWeights(shape, weights, { device: 'cpu', precision: { default: 'fully-quant', layers: { 2: 'fp32' }, dtype8: 'int8' }, calibration: clips });
    expect(b.forwardSync(inp).lastHiddenState).toEqual(viaFile);
    b.dispose();
    const c = await Encoder.load(dir, { device: 'cpu', precision: 'quant-ffn-only' });
    expect(c.plan).toEqual(['quant-ffn-only', 'quant-ffn-only', 'quant-ffn-only']);
    c.dispose();
    const body = JSON.parse(readFileSync(join(dir, QUANT_FILE), 'utf8')) as Sidecar;
    expect(readQuantFile(dir, 3)?.clips.int8).toHaveLength(3);
    for (const [mutate, message] of [
      [(o: Sidecar) => (o.version = 2), /version 2 is not supported/],
      [(o: Sidecar) => o.clips.int8.pop(), /must list 3 layers/],
      [(o: Sidecar) => (o.clips.fp8[1]!.ctx = -1), /clips.fp8\[1\].ctx" must be a positive number/],
      [(o: Sidecar) => (o.clips.fp8[1]!.qkv = 0), /clips.fp8\[1\].qkv" must be a positive number/],
      [(o: Sidecar) => (o.plan.default = 'int3'), /"plan"/],
    ] as const) {
      const copy = structuredClone(body);
      mutate(copy);
      writeFileSync(join(dir, QUANT_FILE), JSON.stringify(copy));
      await expect(Encoder.load(dir, { device: 'cpu' })).rejects.toThrow(expect.objectContaining({ code: 'SAMP_MODEL_FORMAT', message: expect.stringMatching(message) }));
    }
    // a sidecar written before the QKV output was calibrated: loaded, with the QKV output 16-bit
    const older = structuredClone(body);
    for (const list of [older.clips.int8 as { qkv?: number }[], older.clips.fp8]) for (const c of list) delete c.qkv;
    writeFileSync(join(dir, QUANT_FILE), JSON.stringify(older));
    const d = await Encoder.load(dir, { device: 'cpu' });
    expect(d.layers[0]!.clips).toEqual(withoutQkv(clips.int8[0]!));
    expect(d.forwardSync(inp).lastHiddenState).not.toEqual(viaFile);
    d.dispose();
    writeFileSync(join(dir, QUANT_FILE), '{oops');
    await expect(Encoder.load(dir, { device: 'cpu' })).rejects.toThrow(/not valid JSON/);
  });
});
