// The table of onnx-bench.ts: median ms per engine at each (model, batch, seq), and samp's speedups over
// onnxruntime's fp32 and dynamic INT8 on the same graphs (samp's ONNX export) in the same run; then the spread of
// the round medians, and the speedups between each engine's fastest round (its least disturbed one: on a shared
// machine a burst of interference can slow every call of a round).
// Usage: node src/onnx-table.mjs ONNX.json >> results.md
import { readFileSync } from 'node:fs';

const [path] = process.argv.slice(2);
if (!path) throw new Error('usage: onnx-table ONNX.json');
const run = JSON.parse(readFileSync(path, 'utf8'));
const ENGINES = ['samp fp32', 'samp fully-quant int8', 'onnxruntime fp32', 'onnxruntime dynamic int8', 'onnxruntime qdq int8'];
const out = [
  `${run.cpu}, ${run.cores} cores, Node ${run.node}, onnxruntime-node ${run.onnxruntime}, ${run.date}. Median ms per call`,
  `(encoder + head, random tokens, all valid); each engine in its own process, the median of ${run.rows[0].rounds} rounds of ${run.rows[0].iters_per_round} calls.`,
  '',
  `| model | batch x seq | ${ENGINES.join(' | ')} | samp fp32 vs ORT fp32 | samp INT8 vs ORT's faster INT8 | samp INT8 vs ORT fp32 |`,
  `|---|---|${ENGINES.map(() => '---:').join('|')}|---:|---:|---:|`,
];
const x = (a, b) => `${(a / b).toFixed(2)}x`;
for (const r of run.rows) {
  const m = r.median_ms;
  const ortInt8 = Math.min(m['onnxruntime dynamic int8'], m['onnxruntime qdq int8']);
  out.push(`| ${r.model} | ${r.batch} x ${r.seq} | ${ENGINES.map((e) => m[e].toFixed(2)).join(' | ')} | ${x(m['onnxruntime fp32'], m['samp fp32'])} | ${x(ortInt8, m['samp fully-quant int8'])} | ${x(m['onnxruntime fp32'], m['samp fully-quant int8'])} |`);
}
out.push('', 'Spread of the round medians (min-max ms):', '', `| model | batch x seq | ${ENGINES.join(' | ')} |`, `|---|---|${ENGINES.map(() => '---:').join('|')}|`);
for (const r of run.rows) {
  const span = (e) => `${Math.min(...r.round_medians_ms[e]).toFixed(2)}-${Math.max(...r.round_medians_ms[e]).toFixed(2)}`;
  out.push(`| ${r.model} | ${r.batch} x ${r.seq} | ${ENGINES.map(span).join(' | ')} |`);
}
out.push('', "Speedups between each engine's fastest round:", '', '| model | batch x seq | samp fp32 vs ORT fp32 | samp INT8 vs ORT\'s faster INT8 |', '|---|---|---:|---:|');
for (const r of run.rows) {
  const best = (e) => Math.min(...r.round_medians_ms[e]);
  const ortInt8 = Math.min(best('onnxruntime dynamic int8'), best('onnxruntime qdq int8'));
  out.push(`| ${r.model} | ${r.batch} x ${r.seq} | ${x(best('onnxruntime fp32'), best('samp fp32'))} | ${x(ortInt8, best('samp fully-quant int8'))} |`);
}
console.log(out.join('\n'));
