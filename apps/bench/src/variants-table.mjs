// The table of `encoder-bench.ts --variants`: for each precision and (batch, seq), every variant's median ms in each
// round (the rounds alternate the variants in one process) and the ratio of the median of its rounds to the first
// variant's.
// Usage: node src/variants-table.mjs BENCH-VARIANTS.json >> results.md
import { readFileSync } from 'node:fs';
import { median } from './stats.mjs';

const [path] = process.argv.slice(2);
if (!path) throw new Error('usage: variants-table BENCH-VARIANTS.json');
const run = JSON.parse(readFileSync(path, 'utf8'));
if (!Array.isArray(run.rows) || run.rows.some((r) => r.variant === undefined))
  throw new Error(`${path}: not the output of encoder-bench.ts --variants (rows without a variant)`);
const order = (key) => [...new Set(run.rows.map(key))];
const variants = order((r) => r.variant);
const out = [
  `${run.device}, ${run.date}. Median ms per forward in each round (rounds alternate the variants); last column: the`,
  `median of the rounds against ${variants[0]}'s.`,
  '',
  '| precision | batch x seq | variant | rounds (ms) | vs ' + variants[0] + ' |',
  '|---|---|---|---|---:|',
];
for (const precision of order((r) => r.precision))
  for (const point of order((r) => `${r.batch}x${r.seq}`)) {
    const at = run.rows.filter((r) => r.precision === precision && `${r.batch}x${r.seq}` === point);
    if (at.length === 0) continue;
    const mid = (v) => median(at.filter((r) => r.variant === v).map((r) => r.medianMs).sort((a, b) => a - b));
    const base = mid(variants[0]);
    for (const v of variants) {
      const ms = at.filter((r) => r.variant === v).map((r) => r.medianMs.toFixed(3));
      out.push(`| ${precision} | ${point.replace('x', ' x ')} | ${v} | ${ms.join(' / ')} | ${(base / mid(v)).toFixed(3)}x |`);
    }
  }
console.log(out.join('\n'));
