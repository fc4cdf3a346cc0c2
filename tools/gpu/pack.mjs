// Prepares .gpu/ (git-ignored) for a run on the GPU machine, which has CUDA, cmake and PyTorch but no Node.js,
// no node_modules and no network: node itself, the Node-API headers, the bundled device scripts, the dev data, the
// 512 train lines that `samp quantize --samples 512` calibrates on (spread evenly, as quantizeModel picks them), and
// the shared models with every word-embedding row that none of those inputs uses set to zero (so they compress to
// almost nothing; outputs for those inputs are unchanged). Then run: bash tools/gpu/run.sh
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleForNode } from '@samp/bundle';
import { Tokenizer } from '@samp/tokenizer';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const gpu = join(root, '.gpu');
const shared = process.env.SAMP_SHARED ?? resolve(root, '../shared');
const require = createRequire(import.meta.url);
const MODELS = { chnsenticorp: ['text'], lcqmc: ['text_a', 'text_b'], cluener: ['text'] };
const CALIB_SAMPLES = 512;
const readLines = (path) => readFileSync(path, 'utf8').split('\n').filter((l) => l.trim());
/** The calibration lines of quantizeModel: n spread evenly over the file. */
const spread = (lines, n) => (n >= lines.length ? lines : Array.from({ length: n }, (_, i) => lines[Math.floor((i * lines.length) / n)]));
const calibLines = (name) => spread(readLines(join(shared, 'data', name, 'train.jsonl')), CALIB_SAMPLES);

mkdirSync(gpu, { recursive: true });
const step = (what) => console.log(`gpu:pack: ${what}`);

if (!existsSync(join(gpu, 'node.xz'))) {
  step('node.xz');
  execFileSync('sh', ['-c', `xz -T2 -6 -c "$(command -v node)" > "${join(gpu, 'node.xz')}"`]);
}

step('Node-API headers');
const napi = dirname(require.resolve('node-addon-api/package.json', { paths: [join(root, 'packages/kernels-cuda')] }));
rmSync(join(gpu, 'napi'), { recursive: true, force: true });
mkdirSync(join(gpu, 'napi'));
for (const f of readdirSync(napi)) if (f.endsWith('.h')) copyFileSync(join(napi, f), join(gpu, 'napi', f));
const headers = dirname(require.resolve('node-api-headers/package.json', { paths: [join(root, 'packages/kernels-cuda')] }));
cpSync(join(headers, 'include'), join(gpu, 'node-api-headers'), { recursive: true });

step('train and dev data');
rmSync(join(gpu, 'data'), { recursive: true, force: true });
for (const name of Object.keys(MODELS)) {
  mkdirSync(join(gpu, 'data', name), { recursive: true });
  copyFileSync(join(shared, 'data', name, 'dev.jsonl'), join(gpu, 'data', `${name}.jsonl`));
  copyFileSync(join(shared, 'data', name, 'dev.jsonl'), join(gpu, 'data', name, 'dev.jsonl'));
  writeFileSync(join(gpu, 'data', name, 'train.jsonl'), `${calibLines(name).join('\n')}\n`);
}
execFileSync('sh', ['-c', `tar -C "${join(gpu, 'data')}" -cf - . | xz -T2 -6 > "${join(gpu, 'data.tar.xz')}"`]);
rmSync(join(gpu, 'data'), { recursive: true, force: true });

step('models (unused embedding rows zeroed)');
const staging = join(gpu, 'models');
rmSync(staging, { recursive: true, force: true });
for (const [name, fields] of Object.entries(MODELS)) {
  const src = join(shared, 'models', name);
  const dst = join(staging, name);
  cpSync(src, dst, { recursive: true });
  const tk = Tokenizer.fromFile(join(src, 'tokenizer.json'), {
    maxLength: 128,
    ...(name === 'cluener' ? { granularity: 'char' } : {}),
  });
  const used = new Set();
  const lines = [...readLines(join(shared, 'data', name, 'dev.jsonl')), ...calibLines(name)];
  for (const line of lines) {
    const row = JSON.parse(line);
    const e = tk.encode(row[fields[0]], fields[1] ? row[fields[1]] : undefined);
    for (const id of e.ids) used.add(id);
  }
  const file = join(dst, 'model.safetensors');
  const bytes = readFileSync(file);
  const headerLength = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8'));
  const entry = header['bert.embeddings.word_embeddings.weight'];
  const [vocab, width] = entry.shape;
  const size = entry.dtype === 'F32' ? 4 : 2;
  const base = 8 + headerLength + entry.data_offsets[0];
  for (let id = 0; id < vocab; id++) if (!used.has(id)) bytes.fill(0, base + id * width * size, base + (id + 1) * width * size);
  writeFileSync(file, bytes);
  console.log(`  ${name}: kept ${used.size} of ${vocab} embedding rows`);
}
execFileSync('sh', ['-c', `tar -C "${staging}" -cf - . | xz -T2 -6 > "${join(gpu, 'models.tar.xz')}"`]);
rmSync(staging, { recursive: true, force: true });

step('bundles');
for (const [entry, out] of [
  ['tools/gpu/src/check-cuda.ts', 'check.mjs'],
  ['apps/bench/src/encoder-bench.ts', 'bench.mjs'],
  ['apps/bench/src/pipeline-bench.ts', 'pipeline-bench.mjs'],
  ['apps/bench/src/quant-accuracy.ts', 'quant-accuracy.mjs'],
  ['apps/bench/src/recommend-bench.ts', 'recommend-bench.mjs'],
]) {
  await bundleForNode(join(root, entry), join(gpu, out));
}
execFileSync('sh', ['-c', `du -sh "${gpu}"/*`], { stdio: 'inherit' });

// what travels to the GPU machine (the tracked files and .gpu) is limited to 64 MiB: say when it is near that, and
// what to carry instead of the whole folder for runs that need only the build, the checks and the encoder bench
const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: root }).toString().split('\0').filter(Boolean);
/** Bytes of a file, or of every file under a folder (0 where nothing is). */
const bytesOf = (path) => {
  if (!existsSync(path)) return 0;
  const s = statSync(path);
  return s.isDirectory() ? readdirSync(path).reduce((sum, f) => sum + bytesOf(join(path, f)), 0) : s.size;
};
const sum = (values) => values.reduce((a, b) => a + b, 0);
const core = ['node.xz', 'napi', 'node-api-headers', 'bench.mjs', 'check.mjs', 'models.tar.xz', 'data.tar.xz'];
const mib = (bytes) => (bytes / 2 ** 20).toFixed(1);
const trackedBytes = sum(tracked.map((f) => bytesOf(join(root, f))));
const all = trackedBytes + bytesOf(gpu);
const coreBytes = trackedBytes + sum(core.map((c) => bytesOf(join(gpu, c))));
console.log(`gpu:pack: the tracked files and .gpu: ${mib(all)} MiB (64 MiB travel); with only ${core.join(', ')}: ${mib(coreBytes)} MiB`);
if (all > 60 * 2 ** 20) console.log(`gpu:pack: carry ${JSON.stringify(core.map((c) => `.gpu/${c}`))} instead of [".gpu"]`);
