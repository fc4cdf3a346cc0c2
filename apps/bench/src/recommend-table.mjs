// The paper-style tables of the recommender runs: for each task, the rows fp32, fp16, quant-ffn-only and
// fully-quant with k = 1..L layers quantized (and the mixed curve), the metric and the speedups, the recommended
// plan marked; on cuda for INT8 and FP8, with PyTorch fp16 (same GPU run) as the peer.
// Usage: node recommend-table.mjs RECOMMEND.json [TORCH.json] >> results.md
import { readFileSync } from 'node:fs';

const [path, torchPath] = process.argv.slice(2);
if (!path) throw new Error('usage: recommend-table RECOMMEND.json [TORCH.json]');
const run = JSON.parse(readFileSync(path, 'utf8'));
const torch = torchPath ? JSON.parse(readFileSync(torchPath, 'utf8')) : undefined;
const FAMILY = ['fp32', 'fp16', 'quant-ffn-only', 'fully-quant', 'mixed'];
const x = (v) => (v === undefined ? 'n/a' : `${v.toFixed(2)}x`);
const out = [];
const byModel = new Map();
for (const row of run.rows) byModel.set(row.model, [...(byModel.get(row.model) ?? []), row]);
for (const [model, rows] of byModel) {
  const r0 = rows[0].report;
  const peer = torch?.rows.find((t) => t.model === model && t.batch === run.batch && t.seq === run.seq);
  const metric = r0.task === 'tag' ? 'F1' : 'acc';
  out.push(`### ${model} (${r0.task}), ${r0.device}, batch ${run.batch} x seq ${run.seq}`, '');
  const dtypes = rows.map((r) => r.dtype8);
  const head = ['plan', ...dtypes.flatMap((d) => [`${metric} ${d}`, `ms ${d}`, run.device === 'cuda' ? `vs fp16 ${d}` : `vs fp32 ${d}`, ...(peer ? [`vs torch.compile ${d}`] : [])])];
  out.push(`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`);
  const labels = [...new Set(rows.flatMap((r) => r.report.candidates.map((c) => c.label)))];
  const family = (l) => rows[0].report.candidates.find((c) => c.label === l);
  labels.sort((a, b) => FAMILY.indexOf(family(a).family) - FAMILY.indexOf(family(b).family) || family(a).k - family(b).k);
  for (const label of labels) {
    const cells = rows.flatMap((r) => {
      const c = r.report.candidates.find((y) => y.label === label);
      const mark = r.report.chosen === label ? ' **(chosen)**' : '';
      const speed = run.device === 'cuda' ? c.speedupFp16 : c.speedupFp32;
      return [`${c.metric.toFixed(4)}${mark}`, c.latencyMs.toFixed(3), x(speed), ...(peer ? [x(peer.compileMs / c.latencyMs)] : [])];
    });
    out.push(`| ${label} | ${cells.join(' | ')} |`);
  }
  if (peer) out.push('', `PyTorch fp16 in the same run: eager ${peer.eagerMs.toFixed(3)} ms, torch.compile ${peer.compileMs.toFixed(3)} ms.`);
  out.push('', ...rows.map((r) => `- ${r.dtype8}: recommended **${r.chosen}** (\`${JSON.stringify(r.plan)}\`); \`samp bench\` of the written model ${r.bench.chosen.toFixed(3)} ms vs fp32 ${r.bench.fp32.toFixed(3)} ms (**${r.benchSpeedupFp32.toFixed(2)}x**)${r.bench.fp16 ? `, fp16 ${r.bench.fp16.toFixed(3)} ms (${(r.bench.fp16 / r.bench.chosen).toFixed(2)}x)` : ''}; whole recommendation ${r.wallS.toFixed(0)} s.`), '');
}
console.log(out.join('\n'));
