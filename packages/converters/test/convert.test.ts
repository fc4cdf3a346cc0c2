import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Checkpoint, Encoder } from '@samp/encoder';
import { describe, expect, it } from 'vitest';
import { convert, readSafetensorsDir, readSafetensorsFile } from '../src/index.js';
import { fixture, mismatches, sameTensor } from './fixtures.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'samp-convert-'));

interface LogitsFixture {
  input_ids: number[][];
  attention_mask: number[][];
  token_type_ids: number[][];
  logits: number[][];
}
const reference = JSON.parse(readFileSync(fixture('cls/logits.json'), 'utf8')) as LogitsFixture;

/** samp's logits for the fixture's inputs: encoder pooled output times the classifier, on the CPU in fp32. */
async function sampLogits(dir: string): Promise<number[][]> {
  const enc = await Encoder.load(dir, { device: 'cpu', precision: 'fp32' });
  const [B, S] = [reference.input_ids.length, reference.input_ids[0]!.length];
  const out = enc.forwardSync({
    inputIds: Int32Array.from(reference.input_ids.flat()), attentionMask: Int32Array.from(reference.attention_mask.flat()),
    tokenTypeIds: Int32Array.from(reference.token_type_ids.flat()), batch: B, seqLen: S,
  }, { pooled: true });
  enc.dispose();
  const ckpt = Checkpoint.open(dir);
  const H = out.hidden;
  const n = ckpt.info('classifier.weight')!.shape[0]!;
  const w = ckpt.read('classifier.weight');
  const b = ckpt.read('classifier.bias');
  ckpt.close();
  return Array.from({ length: B }, (_, r) => Array.from({ length: n }, (_, l) => {
    let s = b[l]!;
    for (let k = 0; k < H; k++) s += w[l * H + k]! * out.pooled![r * H + k]!;
    return s;
  }));
}

function maxDiff(a: number[][], b: number[][]): number {
  return Math.max(...a.flatMap((row, i) => row.map((v, j) => Math.abs(v - b[i]![j]!))));
}

describe('convert', () => {
  it('a pytorch_model.bin directory: identical tensors, tokenizer.json made from vocab.txt, same logits as PyTorch', async () => {
    const to = join(tmp(), 'out');
    const r = convert({ from: fixture('cls'), to });
    expect(r.format).toBe('torch-bin');
    expect(readdirSync(to).sort()).toEqual(['config.json', 'model.safetensors', 'tokenizer.json', 'vocab.txt']);
    expect(mismatches(readSafetensorsDir(to), 'cls.ref.safetensors')).toEqual([]);
    expect(maxDiff(await sampLogits(to), reference.logits)).toBeLessThan(1e-4);
  });

  it('the legacy format with --config and --vocab elsewhere', () => {
    const to = join(tmp(), 'out');
    convert({ from: fixture('cls-legacy.bin'), to, config: fixture('cls/config.json'), vocab: fixture('cls/vocab.txt') });
    expect(mismatches(readSafetensorsDir(to), 'cls.ref.safetensors')).toEqual([]);
  });

  it('fp16 and bf16 sources keep their bytes; --dtype fp32 widens them exactly and fp16 narrows', () => {
    for (const name of ['fp16', 'bf16']) {
      const to = join(tmp(), name);
      convert({ from: fixture(`cls-${name}.bin`), to, config: fixture('cls/config.json') });
      expect(mismatches(readSafetensorsDir(to), `cls-${name}.ref.safetensors`)).toEqual([]);
    }
    const wide = join(tmp(), 'wide');
    const r = convert({ from: fixture('cls-bf16.bin'), to: wide, config: fixture('cls/config.json'), dtype: 'fp32' });
    expect(Object.keys(r.dtypes)).toEqual(['F32']);
    const a = Checkpoint.open(wide);
    const bf16 = readSafetensorsFile(fixture('cls-bf16.ref.safetensors')).get('classifier.weight')!;
    const widened = new Uint16Array(a.read('classifier.weight').buffer.slice(0)).filter((_, i) => i % 2 === 1);
    expect(Buffer.compare(Buffer.from(widened.buffer), Buffer.from(bf16.data))).toBe(0); // bf16 = the top half of fp32
    a.close();
    const half = join(tmp(), 'half');
    convert({ from: fixture('cls'), to: half, dtype: 'fp16' });
    expect(JSON.parse(readFileSync(join(half, 'config.json'), 'utf8')).dtype).toBe('float16');
    const got = readSafetensorsDir(half);
    const ref = readSafetensorsFile(fixture('cls-fp16.ref.safetensors'));
    expect([...ref].filter(([n, t]) => !sameTensor(got.get(n), t))).toEqual([]); // round-to-nearest-even as torch's .half()
  });

  it('a UER-py classifier maps to the HF tensors of UER-py conversion scripts', async () => {
    const to = join(tmp(), 'uer');
    const r = convert({ from: fixture('uer-cls.bin'), to, config: fixture('uer-config.json'), vocab: fixture('cls/vocab.txt') });
    expect(r.format).toBe('uer');
    const got = readSafetensorsDir(to);
    expect(mismatches(got, 'cls.ref.safetensors')).toEqual([]);
    const cfg = JSON.parse(readFileSync(join(to, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(cfg).toMatchObject({ architectures: ['BertForSequenceClassification'], num_attention_heads: 4, type_vocab_size: 2, num_hidden_layers: 2 });
    expect(maxDiff(await sampLogits(to), reference.logits)).toBeLessThan(1e-4);
  });

  it('a UER-py tagger under the newer names', () => {
    const to = join(tmp(), 'tag');
    const r = convert({ from: fixture('uer-tag.bin'), to, config: fixture('uer-config.json') });
    expect(mismatches(readSafetensorsDir(to), 'uer-tag.ref.safetensors')).toEqual([]);
    expect(JSON.parse(readFileSync(join(to, 'config.json'), 'utf8')).architectures).toEqual(['BertForTokenClassification']);
    expect(r.notes.join(' ')).toContain('tokenizer');
  });

  it('refuses to overwrite a model and to write into its source', () => {
    const to = join(tmp(), 'out');
    convert({ from: fixture('cls'), to });
    expect(() => convert({ from: fixture('cls'), to })).toThrow(/already holds a model/);
    expect(() => convert({ from: fixture('cls'), to: fixture('cls') })).toThrow(/other than the source/);
    expect(() => convert({ from: fixture('cls'), to, overwrite: true })).not.toThrow();
  });

  it('a model samp cannot load leaves nothing behind', () => {
    const to = join(tmp(), 'bad');
    expect(() => convert({ from: fixture('views.bin'), to, config: fixture('cls/config.json') })).toThrow(/no BERT embeddings/);
    expect(existsSync(to)).toBe(false);
  });

  it('says what is missing', () => {
    expect(() => convert({ from: fixture('nope'), to: tmp() })).toThrow(/does not exist/);
    expect(() => convert({ from: fixture('views.bin'), to: join(tmp(), 'x') })).toThrow(/config.json/);
    expect(() => convert({ from: fixture('cls-legacy.bin'), to: join(tmp(), 'x'), format: 'uer' })).toThrow(/no UER-py tensor names/);
  });
});
