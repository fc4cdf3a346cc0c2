// Loading HF directories written by writeSafetensors (fp32, fp16, sharded), and clear errors on bad models and
// bad inputs: missing files, wrong shapes, ids outside the vocab, sequences longer than the position table,
// empty batches, disposed encoders.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bertConfigJson, bertTensors, Encoder, type EncoderShape, randomBertWeights, writeSafetensors } from '../src/index.js';

const shape: EncoderShape = { vocab: 50, hidden: 32, layers: 2, heads: 2, ffn: 64, maxPositions: 16, typeVocab: 2, eps: 1e-12, hasPooler: true };
const tmp = mkdtempSync(join(tmpdir(), 'samp-encoder-'));

function hfTensors(dtype: 'F32' | 'F16') {
  return bertTensors(shape, randomBertWeights(shape, 3), dtype);
}

function writeModel(name: string, dtype: 'F32' | 'F16', sharded = false, edit?: (t: ReturnType<typeof hfTensors>) => void) {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  const config = bertConfigJson(shape);
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  const tensors = hfTensors(dtype);
  edit?.(tensors);
  if (!sharded) {
    writeSafetensors(join(dir, 'model.safetensors'), tensors);
  } else {
    const names = Object.keys(tensors).sort();
    const half = Math.floor(names.length / 2);
    const weightMap: Record<string, string> = {};
    [names.slice(0, half), names.slice(half)].forEach((part, i) => {
      const file = `model-0000${i + 1}-of-00002.safetensors`;
      writeSafetensors(join(dir, file), Object.fromEntries(part.map((n) => [n, tensors[n]!])));
      for (const n of part) weightMap[n] = file;
    });
    writeFileSync(join(dir, 'model.safetensors.index.json'), JSON.stringify({ weight_map: weightMap }));
  }
  return dir;
}

const inputs = (ids: number[], seqLen = ids.length) => ({ inputIds: Int32Array.from(ids), batch: 1, seqLen });

describe('loading', () => {
  it('fp32, fp16 and sharded checkpoints give the same outputs (fp16 within its rounding)', async () => {
    const a = await Encoder.load(writeModel('f32', 'F32'), { device: 'cpu' });
    const b = await Encoder.load(writeModel('sharded', 'F32', true), { device: 'cpu' });
    const c = await Encoder.load(writeModel('f16', 'F16'), { device: 'cpu' });
    const x = inputs([1, 5, 7, 2]);
    const [ra, rb, rc] = [a.forwardSync(x), b.forwardSync(x), c.forwardSync(x)];
    expect(rb.lastHiddenState).toEqual(ra.lastHiddenState);
    ra.lastHiddenState.forEach((v, i) => expect(Math.abs(v - rc.lastHiddenState[i]!)).toBeLessThan(2e-2));
    expect(ra.pooled).toHaveLength(32);
    for (const e of [a, b, c]) e.dispose();
  });

  it('masked positions give zeros and do not change the other tokens', async () => {
    const e = await Encoder.load(join(tmp, 'f32'), { device: 'cpu' });
    const alone = e.forwardSync(inputs([1, 5, 7]));
    const padded = e.forwardSync({ inputIds: Int32Array.from([1, 5, 7, 0, 0]), attentionMask: Int32Array.from([1, 1, 1, 0, 0]), batch: 1, seqLen: 5 });
    alone.lastHiddenState.forEach((v, i) => expect(Math.abs(v - padded.lastHiddenState[i]!)).toBeLessThan(1e-5));
    expect(Array.from(padded.lastHiddenState.slice(3 * 32)).every((v) => v === 0)).toBe(true);
    e.dispose();
  });
});

describe('errors', () => {
  it('missing directory, config or weights', async () => {
    await expect(Encoder.load(join(tmp, 'nope'), { device: 'cpu' })).rejects.toMatchObject({ code: 'SAMP_FILE_NOT_FOUND' });
    const dir = join(tmp, 'empty');
    mkdirSync(dir, { recursive: true });
    await expect(Encoder.load(dir, { device: 'cpu' })).rejects.toThrow(/config\.json/);
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ vocab_size: 5, hidden_size: 4, num_hidden_layers: 1, num_attention_heads: 1, intermediate_size: 4, max_position_embeddings: 4, type_vocab_size: 1 }));
    await expect(Encoder.load(dir, { device: 'cpu' })).rejects.toThrow(/model\.safetensors/);
  });

  it('a tensor of the wrong shape names the tensor and both shapes', async () => {
    const dir = writeModel('bad-shape', 'F32', false, (t) => {
      t['bert.encoder.layer.1.intermediate.dense.bias'] = { data: new Float32Array(63), shape: [63], dtype: 'F32' };
    });
    await expect(Encoder.load(dir, { device: 'cpu' })).rejects.toThrow(/intermediate\.dense\.bias.*\[64\].*\[63\]/);
  });

  it('a truncated safetensors file is a SAMP_MODEL_FORMAT error', async () => {
    const dir = writeModel('truncated', 'F32');
    const file = join(dir, 'model.safetensors');
    const { readFileSync } = await import('node:fs');
    writeFileSync(file, readFileSync(file).subarray(0, 1000));
    await expect(Encoder.load(dir, { device: 'cpu' })).rejects.toMatchObject({ code: 'SAMP_MODEL_FORMAT' });
  });

  it('bad inputs', async () => {
    const e = await Encoder.load(join(tmp, 'f32'), { device: 'cpu' });
    expect(() => e.forwardSync(inputs([1, 50]))).toThrow(/token ids in \[0, 50\) but received 50 at row 0, column 1/);
    expect(() => e.forwardSync(inputs([1, -1]))).toThrow(expect.objectContaining({ code: 'SAMP_INVALID_ARGUMENT' }));
    expect(() => e.forwardSync(inputs(new Array(17).fill(1)))).toThrow(/seqLen <= 16/);
    expect(() => e.forwardSync({ inputIds: new Int32Array(0), batch: 0, seqLen: 3 })).toThrow(/batch must not be empty/);
    expect(() => e.forwardSync({ inputIds: Int32Array.from([1, 2]), batch: 1, seqLen: 3 })).toThrow(/batch \* seqLen = 3/);
    expect(() => e.forwardSync({ inputIds: Int32Array.from([1, 2]), attentionMask: Int32Array.from([0, 0]), batch: 1, seqLen: 2 })).toThrow(/at least one token/);
    expect(() => e.forwardSync({ inputIds: Int32Array.from([1, 2]), tokenTypeIds: Int32Array.from([0, 2]), batch: 1, seqLen: 2 })).toThrow(/token type ids/);
    await expect(e.forward(inputs([1, 99]))).rejects.toMatchObject({ code: 'SAMP_INVALID_ARGUMENT' });
    e.dispose();
    expect(() => e.forwardSync(inputs([1]))).toThrow(expect.objectContaining({ code: 'SAMP_DISPOSED' }));
  });

  it('precision plans are checked, and fp16 on the cpu falls back to fp32', async () => {
    await expect(Encoder.load(join(tmp, 'f32'), { device: 'cpu', precision: 'int4' as never })).rejects.toThrow(/one of "fp32", "fp16", "bf16", "quant-ffn-only", "fully-quant"/);
    await expect(Encoder.load(join(tmp, 'f32'), { device: 'cpu', precision: { default: 'fp16', layers: { 5: 'fp32' } } })).rejects.toThrow(/layer indices 0\.\.1/);
    const e = await Encoder.load(join(tmp, 'f32'), { device: 'cpu', precision: 'fp16' });
    expect(e.plan).toEqual(['fp32', 'fp32']);
    e.dispose();
  });
});
