// CPU speed of the 8-bit modes: `samp bench --model bert-base --device cpu` for fp32, quant-ffn-only and
// fully-quant (INT8) at each shape, interleaved (fp32, then each 8-bit mode, per shape) in one run; each a fresh
// process. Usage: node src/cpu-quant-bench.mjs OUT.json [--shapes 1x128,8x128,32x128] [--iters N]
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { takeFlag } from './flags.mjs';

const args = process.argv.slice(2);
const flag = (name, fallback) => takeFlag(args, name, fallback);
const shapes = flag('--shapes', '1x128,8x128,32x128').split(',').map((s) => s.split('x').map(Number));
const iters = flag('--iters', '20');
const [out] = args;
if (!out) throw new Error('usage: cpu-quant-bench.mjs OUT.json [--shapes BxS,...] [--iters N]');
const samp = resolve(dirname(fileURLToPath(import.meta.url)), '../../../packages/cli/bin/samp.js');

const rows = [];
for (const [batch, seq] of shapes) {
  for (const precision of ['fp32', 'quant-ffn-only', 'fully-quant']) {
    const r = spawnSync(process.execPath, [samp, 'bench', '--model', 'bert-base', '--device', 'cpu', '--batch', String(batch), '--seq', String(seq),
      '--iters', iters, '--warmup', '3', '--precision', precision, '--json'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    const row = JSON.parse(r.stdout.trim().split('\n').at(-1));
    rows.push(row);
    const fp32 = rows.find((x) => x.batch === batch && x.seq === seq && x.plan === 'fp32');
    console.log(`(${batch},${seq}) ${precision.padEnd(15)} median ${row.median_ms.toFixed(1)} ms  x${(fp32.median_ms / row.median_ms).toFixed(2)} vs fp32`);
  }
}
writeFileSync(out, `${JSON.stringify({ date: new Date().toISOString(), rows }, null, 2)}\n`);
