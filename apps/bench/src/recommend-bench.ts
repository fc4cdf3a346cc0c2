// The recommender on the shared models: `samp recommend --max-drop 0.01` per model (and per 8-bit type), then
// `samp bench --model OUT_DIR` against `samp bench --model OUT_DIR --precision fp32` (and fp16 on cuda) in the
// same run, alternating, to check the speedup the recommendation promises. Keeps each report (the decay curves,
// sensitivity and chart) for the tables of recommend-table.mjs.
// Usage: node recommend-bench.mjs MODELS_DIR DATA_DIR OUT.json [--device cpu|cuda] [--dtype8 int8,fp8]
//        [--batch 8] [--seq 128] [--reports DIR]
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { main } from '../../../packages/cli/src/index.js';
import { REPORT_FILES, type Report } from '../../../packages/recommender/src/index.js';
import { takeFlag } from './flags.mjs';

const args = process.argv.slice(2);
const device = takeFlag(args, '--device', 'cpu');
const dtypes = takeFlag(args, '--dtype8', device === 'cuda' ? 'int8,fp8' : 'int8').split(',');
const batch = takeFlag(args, '--batch', '8');
const seq = takeFlag(args, '--seq', '128');
const reports = takeFlag(args, '--reports', '');
const [modelsDir, dataDir, outPath] = args;
if (!modelsDir || !dataDir || !outPath) throw new Error('usage: recommend-bench MODELS_DIR DATA_DIR OUT.json [--device cpu|cuda] [--dtype8 int8,fp8]');
const MODELS: [string, string, string[]][] = [['chnsenticorp', 'classify', []], ['lcqmc', 'match', []], ['cluener', 'tag', ['--granularity', 'char']]];

/** `samp ...args` in-process: exit code, the last stdout line as JSON, and stderr. */
async function samp(argv: string[]): Promise<{ code: number; last: Record<string, unknown>; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const sink = (to: string[]) => new Writable({ write: (c, _e, cb) => (to.push(String(c)), cb()) });
  const code = await main(argv, { stdout: sink(out), stderr: sink(err) });
  const lines = out.join('').trim().split('\n');
  return { code, last: JSON.parse(lines.at(-1) || '{}') as Record<string, unknown>, stderr: err.join('') };
}

const work = mkdtempSync(join(tmpdir(), 'samp-recommend-bench-'));
const rows: Record<string, unknown>[] = [];
for (const [name, task, extra] of MODELS) {
  for (const dtype8 of dtypes) {
    const out = join(work, `${name}-${dtype8}`);
    const t0 = performance.now();
    const r = await samp([
      'recommend', '--model', join(modelsDir, name), '--task', task, '--calib', join(dataDir, name, 'train.jsonl'),
      '--dev', join(dataDir, name, 'dev.jsonl'), '--out', out, '--max-drop', '0.01', '--device', device,
      '--dtype8', dtype8, '--batch', batch, '--seq', seq, '--max-length', '128', ...extra,
    ]);
    const wallS = (performance.now() - t0) / 1000;
    if (r.code !== 0) throw new Error(`samp recommend failed for ${name}: ${r.stderr}`);
    const report = JSON.parse(readFileSync(join(out, REPORT_FILES.json), 'utf8')) as Report;
    const chosen = report.candidates.find((c) => c.label === report.chosen)!;
    // samp bench on the written model (its own plan) against float, alternating, three rounds each
    const floats = device === 'cuda' ? ['fp32', 'fp16'] : ['fp32'];
    const bench: Record<string, number[]> = { chosen: [], ...Object.fromEntries(floats.map((f) => [f, []])) };
    const common = ['bench', '--model', out, '--device', device, '--batch', batch, '--seq', seq, '--json', '--iters', device === 'cuda' ? '200' : '30'];
    for (let round = 0; round < 3; round++) {
      bench.chosen!.push((await samp(common)).last.median_ms as number);
      for (const f of floats) bench[f]!.push((await samp([...common, '--precision', f])).last.median_ms as number);
    }
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[1]!;
    const benchMs = Object.fromEntries(Object.entries(bench).map(([k, v]) => [k, med(v)]));
    const row = { model: name, task, device, dtype8, wallS, chosen: report.chosen, plan: report.plan, bench: benchMs, benchSpeedupFp32: benchMs.fp32! / benchMs.chosen!, report };
    rows.push(row);
    console.log(`${name.padEnd(13)} ${dtype8}: ${String(report.chosen).padEnd(36)} drop ${(100 * chosen.drop).toFixed(2)} pt; samp bench ${benchMs.chosen!.toFixed(3)} ms vs fp32 ${benchMs.fp32!.toFixed(3)} ms (${(benchMs.fp32! / benchMs.chosen!).toFixed(2)}x)${benchMs.fp16 ? `, fp16 ${benchMs.fp16.toFixed(3)} ms` : ''}; ${wallS.toFixed(0)} s`);
    if (reports) {
      mkdirSync(reports, { recursive: true });
      for (const f of [REPORT_FILES.markdown, REPORT_FILES.chart]) copyFileSync(join(out, f), join(reports, `${name}-${device}-${dtype8}-${f}`));
    }
  }
}
writeFileSync(outPath, `${JSON.stringify({ date: new Date().toISOString(), device, batch: Number(batch), seq: Number(seq), rows }, null, 2)}\n`);
