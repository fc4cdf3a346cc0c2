// Runs on the GPU machine: every CUDA op against the CPU op, and the three shared models on cpu / cuda against
// the PyTorch fixtures. Usage: node check.mjs MODELS_DIR FIXTURES_DIR REPORT.json
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Encoder } from '../../../packages/encoder/src/index.js';
import { compare, emptyComparison, loadFixture, padded, readClassifier } from '../../../packages/encoder/test/fixtures.js';
import { listDevices, runOp } from '../../../packages/kernels-cuda/src/index.js';
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
report.ops = ops;
report.opFailures = opFailures;
console.log(`ops: ${ops.length - opFailures}/${ops.length} within tolerance`);

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
      enc.dispose();
      results.push({ model: name, device, precision, ...r, argmaxRate: r.argmaxAgree / r.argmaxTotal });
      console.log(name, device, precision, JSON.stringify(r));
    } catch (error) {
      results.push({ model: name, device, precision, error: String(error) });
      console.log(name, device, precision, String(error));
    }
  }
}
report.models = results;
writeFileSync(reportPath, JSON.stringify(report, null, 1));
