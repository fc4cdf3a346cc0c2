// Node-native side of the bridge benchmark: median ms per Pipeline.run call at the given batch sizes, the same
// texts and options the Python side uses. Usage: node pipeline-call-bench.mjs MODEL_DIR TEXTS.json OUT.json
import { readFileSync, writeFileSync } from 'node:fs';
import { Pipeline } from '../../../packages/targets/src/index.js';

const [model, textsFile, out] = process.argv.slice(2) as [string, string, string];
const { texts, batches, calls } = JSON.parse(readFileSync(textsFile, 'utf8')) as { texts: string[]; batches: number[]; calls: Record<string, number> };
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
const p = await Pipeline.load(model, { task: 'classify', device: 'cpu', precision: 'fp32', maxLength: 128, batchSize: 32 });
const rows = [];
for (const batch of batches) {
  const inputs = texts.slice(0, batch).map((text) => ({ text }));
  for (let i = 0; i < 5; i++) await p.run(inputs);
  const ms: number[] = [];
  for (let i = 0; i < calls[String(batch)]!; i++) {
    const t0 = performance.now();
    await p.run(inputs);
    ms.push(performance.now() - t0);
  }
  rows.push({ batch, medianMs: median(ms) });
}
p.dispose();
writeFileSync(out, JSON.stringify(rows));
