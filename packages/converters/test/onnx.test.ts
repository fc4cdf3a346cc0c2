// The ONNX export run by onnxruntime-node against PyTorch fp32: the tiny fixture classifier, and the shared
// chnsenticorp and cluener models on their first dev inputs (logits from the encoder's reference fixtures).
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Checkpoint, Encoder, clipsFromStats, writeQuantFile } from '@samp/encoder';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { convert, exportOnnx } from '../src/index.js';
import { fixture } from './fixtures.js';

const root = resolve(import.meta.dirname, '../../..');
const shared = process.env.SAMP_SHARED ?? resolve(root, '../shared');
const hasShared = existsSync(join(shared, 'models'));
const tmp = (): string => mkdtempSync(join(tmpdir(), 'samp-onnx-'));

async function run(model: string, ids: number[][], mask: number[][], types: number[][]): Promise<{ data: Float32Array; dims: readonly number[] }> {
  const session = await ort.InferenceSession.create(model);
  const [B, S] = [ids.length, ids[0]!.length];
  const t = (rows: number[][]) => new ort.Tensor('int64', BigInt64Array.from(rows.flat().map(BigInt)), [B, S]);
  const out = await session.run({ input_ids: t(ids), attention_mask: t(mask), token_type_ids: t(types) });
  await session.release();
  expect(session.outputNames).toEqual(['logits']);
  return { data: out.logits!.data as Float32Array, dims: out.logits!.dims };
}

describe('ONNX export', () => {
  it('the fixture classifier gives PyTorch\'s logits with inputs, output and symbolic dims named as HF names them', async () => {
    const to = join(tmp(), 'cls');
    const r = convert({ from: fixture('cls'), to, onnx: true });
    expect(r.onnx).toMatchObject({ head: 'sequence', outputs: ['logits'] });
    const ref = JSON.parse(readFileSync(fixture('cls/logits.json'), 'utf8')) as { input_ids: number[][]; attention_mask: number[][]; token_type_ids: number[][]; logits: number[][] };
    const session = await ort.InferenceSession.create(join(to, 'model.onnx'));
    expect([...session.inputNames].sort()).toEqual(['attention_mask', 'input_ids', 'token_type_ids']);
    await session.release();
    const { data, dims } = await run(join(to, 'model.onnx'), ref.input_ids, ref.attention_mask, ref.token_type_ids);
    expect(dims).toEqual([2, 3]);
    const diff = Math.max(...ref.logits.flat().map((v, i) => Math.abs(v - data[i]!)));
    expect(diff).toBeLessThan(1e-4);
  });

  const cases = (name: string, count: number) => {
    const raw = JSON.parse(gunzipSync(readFileSync(join(root, `packages/encoder/fixtures/${name}.json.gz`))).toString('utf8')) as { cases: { ids: number[]; types: number[]; logits: string }[] };
    return raw.cases.slice(0, count).map((c) => ({ ...c, logits: new Float32Array(new Uint8Array(Buffer.from(c.logits, 'base64')).buffer) }));
  };
  const pad = (rows: number[][], S: number) => rows.map((r) => [...r, ...new Array<number>(S - r.length).fill(0)]);

  describe.skipIf(!hasShared)('shared models', () => {
    it.each([['chnsenticorp', 'sequence'], ['cluener', 'token']])('%s: onnxruntime-node within 1e-3 of PyTorch fp32 on padded dev batches', async (name, head) => {
      const out = join(tmp(), `${name}.onnx`);
      expect(exportOnnx(join(shared, 'models', name), out).head).toBe(head);
      const cs = cases(name, 32);
      let worst = 0;
      for (let at = 0; at < cs.length; at += 8) {
        const batch = cs.slice(at, at + 8);
        const S = Math.max(...batch.map((c) => c.ids.length));
        const { data, dims } = await run(out, pad(batch.map((c) => c.ids), S), batch.map((c) => c.ids.map(() => 1).concat(new Array<number>(S - c.ids.length).fill(0))), pad(batch.map((c) => c.types), S));
        const labels = dims[dims.length - 1]!;
        batch.forEach((c, b) => {
          const perRow = head === 'token' ? S * labels : labels;
          for (let i = 0; i < c.logits.length; i++) {
            const at2 = head === 'token' ? b * perRow + Math.floor(i / labels) * labels + (i % labels) : b * perRow + i;
            worst = Math.max(worst, Math.abs(c.logits[i]! - data[at2]!));
          }
        });
      }
      expect(worst).toBeLessThan(1e-3);
    });

    it('chnsenticorp as a QDQ INT8 graph from a samp plan: onnxruntime-node agrees with samp fully-quant INT8 and with PyTorch fp32 on >= 95% of 64 dev labels', async () => {
      // a quantized model directory: the shared model's files plus samp.json with clips from dev inputs 64..191
      const dir = join(tmp(), 'fq');
      mkdirSync(dir);
      for (const f of ['config.json', 'model.safetensors', 'tokenizer.json', 'vocab.txt']) copyFileSync(join(shared, 'models/chnsenticorp', f), join(dir, f));
      const calib = await Encoder.load(dir, { device: 'cpu', precision: 'fp32' });
      for (const c of cases('chnsenticorp', 192).slice(64)) calib.calibrate({ inputIds: Int32Array.from(c.ids), tokenTypeIds: Int32Array.from(c.types), batch: 1, seqLen: c.ids.length });
      const clips = clipsFromStats(calib.calibrationStats(), calib.shape.layers);
      calib.dispose();
      writeQuantFile(dir, { plan: { default: 'fully-quant', dtype8: 'int8' }, calibration: { method: 'percentile', samples: 128, tokens: 0 }, clips });
      const out = join(dir, 'model.qdq.onnx');
      exportOnnx(dir, out, { int8: 'qdq' });
      const samp = await Encoder.load(dir, { device: 'cpu' });
      let withPyTorch = 0;
      let withSamp = 0;
      const cs = cases('chnsenticorp', 64);
      for (const c of cs) {
        const { data } = await run(out, [c.ids], [c.ids.map(() => 1)], [c.types]);
        if ((data[1]! > data[0]!) === (c.logits[1]! > c.logits[0]!)) withPyTorch++;
        const pooled = samp.forwardSync({ inputIds: Int32Array.from(c.ids), tokenTypeIds: Int32Array.from(c.types), batch: 1, seqLen: c.ids.length }, { pooled: true }).pooled!;
        const ck = Checkpoint.open(dir);
        const w = ck.read('classifier.weight'), b = ck.read('classifier.bias');
        ck.close();
        const logit = (l: number) => b[l]! + pooled.reduce((s, v, k) => s + v * w[l * pooled.length + k]!, 0);
        if ((data[1]! > data[0]!) === (logit(1) > logit(0))) withSamp++;
      }
      samp.dispose();
      expect(withPyTorch).toBeGreaterThanOrEqual(61);
      expect(withSamp).toBeGreaterThanOrEqual(61);
      expect(() => exportOnnx(join(shared, 'models', 'chnsenticorp'), join(tmp(), 'x.onnx'), { int8: 'qdq' })).toThrow(/no samp.json/);
      // convert carries samp.json along, and writes the same QDQ graph
      const converted = convert({ from: dir, to: join(tmp(), 'converted'), onnxInt8: 'qdq' });
      expect(converted.files).toEqual(expect.arrayContaining(['samp.json', 'model.qdq.onnx']));
      expect(readFileSync(join(converted.to, 'model.qdq.onnx')).equals(readFileSync(out))).toBe(true);
    });

    it('chnsenticorp with dynamic INT8 linears: onnxruntime-node agrees with PyTorch fp32 on the label of >= 95% of 64 dev inputs', async () => {
      const out = join(tmp(), 'int8.onnx');
      exportOnnx(join(shared, 'models', 'chnsenticorp'), out, { int8: 'dynamic' });
      const cs = cases('chnsenticorp', 64);
      let agree = 0;
      for (const c of cs) {
        const { data } = await run(out, [c.ids], [c.ids.map(() => 1)], [c.types]);
        if ((data[1]! > data[0]!) === (c.logits[1]! > c.logits[0]!)) agree++;
      }
      expect(agree).toBeGreaterThanOrEqual(61);
    });
  });
});
