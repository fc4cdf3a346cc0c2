// Tokenizes example sentences with @samp/tokenizer, the way a BERT model sees them.
// Usage: node main.mjs [FILE] [--vocab vocab.txt|tokenizer.json] [--char]
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Tokenizer, TokenizerPool } from '@samp/tokenizer';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args.splice(i, 2)[1] : undefined;
};
const vocab = flag('--vocab') ?? join(here, 'vocab.txt');
const char = args.includes('--char') ? args.splice(args.indexOf('--char'), 1) && true : false;
const input = args[0] ?? join(here, 'input.txt');

const tk = Tokenizer.fromFile(vocab, { maxLength: 128, granularity: char ? 'char' : 'wordpiece' });
const lines = readFileSync(input, 'utf8').split('\n').filter((l) => l.trim().length > 0);

for (const line of lines) {
  const e = tk.encode(line);
  console.log(line);
  console.log('  tokens ', e.tokens.join(' '));
  console.log('  ids    ', Array.from(e.ids).join(' '));
  console.log('  offsets', e.offsets.map(([s, t]) => `${s}-${t}`).join(' '));
}

const batch = tk.encodeBatch(lines);
console.log(`\nbatch: ${batch.batchSize} x ${batch.seqLen} (ids, typeIds, attentionMask as Int32Array)`);
console.log('decoded:', tk.decode(batch.encodings[0].ids));

const pool = new TokenizerPool(tk, { threads: 2 });
const pooled = await pool.encodeBatch(lines);
console.log(`pool of ${pool.threads} threads gives the same ids: ${Buffer.compare(Buffer.from(pooled.ids.buffer), Buffer.from(batch.ids.buffer)) === 0}`);
await pool.close();
