// Accuracy of 8-bit plans on the shared dev sets: each model is quantized with `quantizeModel` (calibration on
// its train split), then its dev set runs through the Pipeline under each plan: the metric (accuracy, or entity
// micro F1 over exact (start, end, type) spans), its drop against fp32, agreement with fp32's predictions, and the
// wall time of the run. With several devices, each plan runs on each, and `agreeFirst` is the share of predictions
// equal to the first device's under the same plan (cuda against the cpu oracle).
// Usage: node quant-accuracy.mjs MODELS_DIR DATA_DIR OUT.json [--device cpu | --devices cpu,cuda]
//        [--method percentile|max|mse] [--samples N] [--plans fp32,fully-quant:int8,...]
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pipeline, quantizeModel, toBatchInput } from '../../../packages/targets/src/index.js';
import { type MetricTask, devExample, devMetric, predictionKeys } from '../../../packages/recommender/src/index.js';
import { takeFlag } from './flags.mjs';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => takeFlag(args, name, fallback);
const devices = flag('--devices', flag('--device', 'cpu')).split(',') as ('cpu' | 'cuda')[];
const method = flag('--method', 'percentile') as 'percentile' | 'max' | 'mse';
const samples = Number(flag('--samples', '512'));
const plans = flag('--plans', 'fp32,quant-ffn-only:int8,fully-quant:int8,fully-quant:fp8').split(',');
const [modelsDir, dataDir, outPath] = args;
if (!modelsDir || !dataDir || !outPath) throw new Error('usage: quant-accuracy MODELS_DIR DATA_DIR OUT.json [--device cpu] [--method ...]');

const MODELS: [string, MetricTask, 'char' | undefined][] = [['chnsenticorp', 'classify', undefined], ['lcqmc', 'match', undefined], ['cluener', 'tag', 'char']];

const readLines = (path: string) => readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

const rows: Record<string, unknown>[] = [];
for (const [name, task, granularity] of MODELS) {
  const model = join(modelsDir, name);
  const gran = task === 'tag' ? granularity : undefined;
  const calib = readLines(join(dataDir, name, 'train.jsonl')).map((x) => toBatchInput(task, x));
  const dev = readLines(join(dataDir, name, 'dev.jsonl')).map((x) => devExample(task, x));
  const devInputs = dev.map((x) => x.input);
  const out = mkdtempSync(join(tmpdir(), `samp-q-${name}-`));
  const t0 = performance.now();
  const q = await quantizeModel({ model, task, calib, out, method, samples, granularity: gran, maxLength: 128 });
  const calibMs = performance.now() - t0;
  const firstDevice = new Map<string, string[]>();
  for (const device of devices) {
    let base: string[] | undefined;
    let baseMetric = 0;
    for (const plan of plans) {
      const [mode, dtype8] = plan.split(':') as [string, 'int8' | 'fp8' | undefined];
      const precision = dtype8 ? { default: mode as 'fully-quant', dtype8 } : (mode as 'fp32');
      const p = await Pipeline.load(out, { task, device, precision, granularity: gran, maxLength: 128 });
      const start = performance.now();
      const got = await p.runChecked(devInputs);
      const ms = performance.now() - start;
      p.dispose();
      const m = devMetric(task, dev, got);
      const preds = predictionKeys(task, got);
      if (!base) {
        base = preds;
        baseMetric = m;
      }
      const agree = preds.filter((x, i) => x === base![i]).length / preds.length;
      const first = firstDevice.get(plan);
      if (!first) firstDevice.set(plan, preds);
      const agreeFirst = first ? preds.filter((x, i) => x === first[i]).length / preds.length : 1;
      const row = { model: name, task, device, plan, metric: m, drop: baseMetric - m, agreement: agree, agreeFirst, devLines: dev.length, runMs: ms, method, samples: q.quant.calibration.samples, calibMs };
      rows.push(row);
      console.log(`${name.padEnd(13)} ${device.padEnd(5)} ${plan.padEnd(20)} ${task === 'tag' ? 'F1' : 'acc'} ${m.toFixed(4)}  drop ${(100 * (baseMetric - m)).toFixed(2)} pt  agree ${(100 * agree).toFixed(1)} %  vs ${devices[0]} ${(100 * agreeFirst).toFixed(1)} %  ${(ms / 1000).toFixed(1)} s`);
    }
  }
}
writeFileSync(outPath, `${JSON.stringify({ date: new Date().toISOString(), devices, method, samples, rows }, null, 2)}\n`);
