// Makes ./model from the shared chnsenticorp model with samp's own tools: the vocabulary is pruned to the tokens
// that occur at least twice in the training split (the embedding rows of every other token dropped, ids
// renumbered in order), the position table cut to 128, and the tokenizer rewritten to match. Everything else
// (4 layers, hidden 256, the classifier) is the original, in fp16. Run: pnpm --filter @samp/example-classify make-model
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Checkpoint, writeSafetensors } from '@samp/encoder';
import { Tokenizer } from '@samp/tokenizer';

const here = dirname(fileURLToPath(import.meta.url));
const shared = process.env.SAMP_SHARED ?? resolve(here, '../../../shared');
const src = join(shared, 'models', 'chnsenticorp');
const out = join(here, 'model');
const MAX_POSITIONS = 128;
const MIN_COUNT = 2;

// 1. the tokens to keep: specials, and those seen MIN_COUNT times in the training texts
const tokenizer = Tokenizer.fromFile(join(src, 'tokenizer.json'), { maxLength: MAX_POSITIONS });
const counts = new Map();
const train = readFileSync(join(shared, 'data', 'chnsenticorp', 'train.jsonl'), 'utf8').trim().split('\n');
for (const line of train) for (const id of tokenizer.encode(JSON.parse(line).text).ids) counts.set(id, (counts.get(id) ?? 0) + 1);
const json = JSON.parse(readFileSync(join(src, 'tokenizer.json'), 'utf8'));
const specials = new Set(json.added_tokens.map((t) => t.id));
const oldVocab = Object.entries(json.model.vocab).sort((a, b) => a[1] - b[1]);
const kept = oldVocab.filter(([, id]) => specials.has(id) || (counts.get(id) ?? 0) >= MIN_COUNT);
const newId = new Map(kept.map(([, id], i) => [id, i]));

// 2. the tokenizer: same normalizer and pre-tokenizer, the pruned vocabulary, renumbered special tokens
json.model.vocab = Object.fromEntries(kept.map(([token], i) => [token, i]));
for (const t of json.added_tokens) t.id = newId.get(t.id);
for (const key of ['cls', 'sep']) json.post_processor[key][1] = newId.get(json.post_processor[key][1]);
if (json.padding) json.padding.pad_id = newId.get(json.padding.pad_id);
json.truncation = { ...json.truncation, max_length: MAX_POSITIONS };
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'tokenizer.json'), JSON.stringify(json));
writeFileSync(join(out, 'tokenizer_config.json'), readFileSync(join(src, 'tokenizer_config.json')));

// 3. the weights: pruned word embeddings, the first MAX_POSITIONS positions, the rest as it is (fp16)
const config = JSON.parse(readFileSync(join(src, 'config.json'), 'utf8'));
const ckpt = Checkpoint.open(src);
const tensors = {};
for (const name of ckpt.names()) {
  const info = ckpt.info(name);
  let data = ckpt.read(name);
  let shape = [...info.shape];
  if (name.endsWith('word_embeddings.weight')) {
    const width = shape[1];
    const rows = new Float32Array(kept.length * width);
    kept.forEach(([, id], i) => rows.set(data.subarray(id * width, (id + 1) * width), i * width));
    data = rows;
    shape = [kept.length, width];
  } else if (name.endsWith('position_embeddings.weight')) {
    data = data.slice(0, MAX_POSITIONS * shape[1]);
    shape = [MAX_POSITIONS, shape[1]];
  }
  tensors[name] = { data, shape, dtype: 'F16' };
}
ckpt.close();
writeSafetensors(join(out, 'model.safetensors'), tensors, { format: 'pt' });
writeFileSync(
  join(out, 'config.json'),
  `${JSON.stringify({ ...config, vocab_size: kept.length, max_position_embeddings: MAX_POSITIONS, pad_token_id: newId.get(config.pad_token_id ?? 0) }, null, 2)}\n`,
);
console.log(`model: ${kept.length} of ${oldVocab.length} tokens kept (seen >= ${MIN_COUNT} times in training), ${MAX_POSITIONS} positions -> ${out}`);
