// samp quantize and samp bench end to end on the CPU: the shipped example model (and, with ../shared, the
// chnsenticorp model calibrated on its train split) quantized, run, and timed.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasShared, samp, shared } from './harness.js';

const example = resolve(import.meta.dirname, '../../../examples/classify/model');
const tmp = mkdtempSync(join(tmpdir(), 'samp-quantize-'));

const texts = ['这家酒店很好，服务周到', '房间太小了，隔音很差', '早餐丰富，位置方便', '不会再来了', '性价比很高', '前台态度冷淡', '环境不错', '设施陈旧'];
const calib = join(tmp, 'calib.jsonl');
writeFileSync(calib, `${texts.map((text) => JSON.stringify({ text })).join('\n')}\n`);

describe('samp quantize / samp bench', () => {
  it('writes a model directory with samp.json that samp run uses as is', async () => {
    const out = join(tmp, 'q');
    const r = await samp(['quantize', '--model', example, '--task', 'classify', '--calib', calib, '--out', out, '--method', 'mse', '--samples', '6']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/fully-quant \(auto\) on all layers, mse clips from 6 inputs/);
    const side = JSON.parse(readFileSync(join(out, 'samp.json'), 'utf8'));
    expect(side.plan).toEqual({ default: 'fully-quant', dtype8: 'auto' });
    expect(side.calibration).toMatchObject({ method: 'mse', samples: 6, task: 'classify', source: 'calib.jsonl' });
    expect(existsSync(join(out, 'model.safetensors'))).toBe(true);
    const results = join(tmp, 'q-out.jsonl');
    const run = await samp(['run', '--model', out, '--task', 'classify', '--input', calib, '--output', results, '--device', 'cpu']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/fully-quant/);
    const fp32 = join(tmp, 'f-out.jsonl');
    await samp(['run', '--model', out, '--task', 'classify', '--input', calib, '--output', fp32, '--device', 'cpu', '--precision', 'fp32']);
    const labels = (f: string) => readFileSync(f, 'utf8').trim().split('\n').map((l) => JSON.parse(l).label);
    expect(labels(results)).toHaveLength(texts.length);
    expect(labels(results).filter((l, i) => l === labels(fp32)[i]).length).toBeGreaterThanOrEqual(texts.length - 1);
  });

  it('quantizes chosen layers only, and refuses bad options with exit code 2 or 1', async () => {
    const out = join(tmp, 'q2');
    const r = await samp(['quantize', '--model', example, '--task', 'classify', '--calib', calib, '--out', out, '--mode', 'quant-ffn-only', '--layers', '0', '--dtype8', 'int8']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'samp.json'), 'utf8')).plan).toEqual({ default: 'auto', layers: { 0: 'quant-ffn-only' }, dtype8: 'int8' });
    expect((await samp(['quantize', '--model', example, '--task', 'classify', '--calib', calib, '--out', out, '--layers', '0,x'])).code).toBe(2);
    expect((await samp(['quantize', '--model', example, '--task', 'classify', '--calib', calib, '--out', out, '--method', 'max', '--percentile', '99'])).code).toBe(2);
    const bad = join(tmp, 'bad.jsonl');
    writeFileSync(bad, '{"text": "好"}\n{"txt": "x"}\n');
    const b = await samp(['quantize', '--model', example, '--task', 'classify', '--calib', bad, '--out', out]);
    expect(b.code).toBe(1);
    expect(b.stderr).toMatch(/bad.jsonl, line 2/);
    const m = await samp(['quantize', '--model', example, '--task', 'classify', '--calib', calib, '--out', out, '--layers', '9']);
    expect(m.stderr).toMatch(/layer indices in 0\.\.3/);
  });

  it('bench prints JSON with median_ms last; 8-bit precisions need a calibrated model', async () => {
    const r = await samp(['bench', '--model', join(tmp, 'q'), '--device', 'cpu', '--batch', '2', '--seq', '16', '--iters', '3', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const last = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    expect(last).toMatchObject({ plan: 'fully-quant', dtype8: 'int8', batch: 2, seq: 16, iters: 3 });
    expect(last.median_ms).toBeGreaterThan(0);
    const f = await samp(['bench', '--model', example, '--device', 'cpu', '--batch', '1', '--seq', '8', '--iters', '2', '--precision', 'fully-quant']);
    expect(f.code).toBe(1);
    expect(f.stderr).toMatch(/SAMP_NOT_CALIBRATED/);
  });

  it.skipIf(!hasShared)('chnsenticorp: fully-quant INT8 calibrated on train keeps dev accuracy within 1 point of fp32', async () => {
    const out = join(tmp, 'chn');
    const model = join(shared, 'models', 'chnsenticorp');
    const r = await samp(['quantize', '--model', model, '--task', 'classify', '--calib', join(shared, 'data/chnsenticorp/train.jsonl'), '--out', out, '--dtype8', 'int8', '--samples', '256', '--max-length', '128']);
    expect(r.code, r.stderr).toBe(0);
    const dev = join(shared, 'data/chnsenticorp/dev.jsonl');
    const res = join(tmp, 'chn-out.jsonl');
    const run = await samp(['run', '--model', out, '--task', 'classify', '--input', dev, '--output', res, '--device', 'cpu', '--max-length', '128']);
    expect(run.code, run.stderr).toBe(0);
    const gold = readFileSync(dev, 'utf8').trim().split('\n').map((l) => JSON.parse(l).label as number);
    const got = readFileSync(res, 'utf8').trim().split('\n').map((l) => JSON.parse(l).label_id as number);
    const acc = got.filter((g, i) => g === gold[i]).length / gold.length;
    expect(acc).toBeGreaterThanOrEqual(0.9242 - 0.01);
  });
});
