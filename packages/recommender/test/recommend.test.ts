// recommend() end to end on the CPU with a shared model: the model directory it writes runs its plan as is, the
// reports say what was measured, the measurements repeat for a seed, and a requirement nothing meets writes no
// model.
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Encoder, readQuantFile } from '@samp/encoder';
import { toBatchInput } from '@samp/targets';
import { describe, expect, it } from 'vitest';
import { type RecommendOptions, devExample, recommend } from '../src/index.js';

const shared = process.env.SAMP_SHARED ?? resolve(import.meta.dirname, '../../../../shared');
const hasShared = existsSync(join(shared, 'models', 'lcqmc'));
const tmp = mkdtempSync(join(tmpdir(), 'samp-recommend-'));
const lines = (p: string) => readFileSync(p, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as unknown);

describe.skipIf(!hasShared)('recommend (lcqmc, cpu)', () => {
  const base = (out: string): RecommendOptions => ({
    model: join(shared, 'models', 'lcqmc'),
    task: 'match',
    calib: lines(join(shared, 'data', 'lcqmc', 'train.jsonl')).map((x) => toBatchInput('match', x)),
    dev: lines(join(shared, 'data', 'lcqmc', 'dev.jsonl')).map((x) => devExample('match', x)),
    out: join(tmp, out),
    device: 'cpu',
    devSamples: 120,
    calibSamples: 128,
    maxLength: 64,
    batch: 4,
    seq: 64,
    iters: 3,
  });

  it('writes the chosen plan into a loadable model directory, with report.md, report.json and chart.svg', async () => {
    const progress: string[] = [];
    const r = await recommend({ ...base('a'), maxDrop: 0.01, onProgress: (p) => progress.push(p.stage) });
    expect(r.met).toBe(true);
    const out = join(tmp, 'a');
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    const L = 4;
    // two baselines are not both there on the cpu (no fp16); 2L sensitivity runs; three curves
    expect(report.sensitivity).toHaveLength(2 * L);
    expect(report.candidates).toHaveLength(1 + L + L + (L - 1));
    expect(report.plan).toEqual(r.plan);
    expect(r.chosen!.drop).toBeLessThanOrEqual(0.01 + 1e-9);
    // the chosen plan is the fastest that meets the requirement (up to the latency tie)
    const ok = r.report.candidates.filter((c) => c.drop <= 0.01 + 1e-9);
    expect(r.chosen!.latencyMs).toBeLessThanOrEqual(Math.min(...ok.map((c) => c.latencyMs)) * 1.03 + 1e-9);
    expect(progress).toContain('calibrate');
    expect(progress.at(-1)).toBe('measure');
    // the model directory runs the chosen plan as is
    expect(readQuantFile(out, L)!.plan).toEqual(r.plan);
    const enc = await Encoder.load(out, { device: 'cpu' });
    expect(enc.plan).toEqual(r.chosen!.modes.map((m) => (m === 'auto' ? 'fp32' : m)));
    enc.dispose();
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    expect(md).toContain(`**Chosen: ${r.chosen!.label}**`);
    expect(md).toMatch(/\| fully-quant x4 \|/);
    const svg = readFileSync(join(out, 'chart.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain(`chosen: ${r.chosen!.label}`);
    // the same seed gives the same measurements of the metric (latencies vary)
    const again = await recommend({ ...base('b'), maxDrop: 0.01 });
    expect(again.report.sensitivity).toEqual(r.report.sensitivity);
    expect(again.report.candidates.map((c) => [c.label, c.metric])).toEqual(r.report.candidates.map((c) => [c.label, c.metric]));
  });

  it('a requirement nothing meets gives no plan and no model, only the reports', async () => {
    const r = await recommend({ ...base('c'), minMetric: 0.999 });
    expect(r.met).toBe(false);
    expect(r.plan).toBeUndefined();
    expect(r.report.closest).toHaveLength(3);
    expect(readdirSync(join(tmp, 'c')).sort()).toEqual(['chart.svg', 'report.json', 'report.md']);
    expect(readFileSync(join(tmp, 'c', 'report.md'), 'utf8')).toContain('No plan meets the requirement');
  });

  it('refuses bad options clearly', async () => {
    await expect(recommend({ ...base('d'), maxDrop: 0.01, minMetric: 0.5 })).rejects.toThrow(/at most one of maxDrop, minMetric/);
    await expect(recommend({ ...base('d'), maxDrop: 2 })).rejects.toThrow(/maxDrop/);
    await expect(recommend({ ...base('d'), out: join(shared, 'models', 'lcqmc') })).rejects.toThrow(/not the model directory/);
    await expect(recommend({ ...base('d'), dev: [] })).rejects.toThrow(/at least one dev example/);
  });
});
