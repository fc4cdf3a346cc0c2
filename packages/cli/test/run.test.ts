// samp run end to end on the CPU in fp32: the shared dev sets give PyTorch's accuracy, bad lines give error
// records with their line numbers, and usage errors exit with 2.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasShared, samp, shared } from './harness.js';

const tmp = mkdtempSync(join(tmpdir(), 'samp-cli-'));

function accuracy(devFile: string, outFile: string): number {
  const gold = readFileSync(devFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l).label as number);
  const got = readFileSync(outFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { label_id: number });
  expect(got.length).toBe(gold.length);
  return got.filter((g, i) => g.label_id === gold[i]).length / gold.length;
}

describe.skipIf(!hasShared)('samp run on the shared dev sets (cpu, fp32)', () => {
  for (const [name, task, expected] of [['chnsenticorp', 'classify', 0.9242], ['lcqmc', 'match', 0.75]] as const) {
    it(`${name}: accuracy ${expected} within 0.003`, async () => {
      const dev = join(shared, 'data', name, 'dev.jsonl');
      const out = join(tmp, `${name}.jsonl`);
      const r = await samp(['run', '--model', join(shared, 'models', name), '--task', task, '--input', dev, '--output', out,
        '--device', 'cpu', '--precision', 'fp32', '--max-length', '128', '--batch-size', '32']);
      expect(r.code, r.stderr).toBe(0);
      expect(Math.abs(accuracy(dev, out) - expected)).toBeLessThanOrEqual(0.003);
      const first = JSON.parse(readFileSync(out, 'utf8').split('\n')[0]!) as { label: string; scores: number[] };
      expect(first.scores.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      expect(['negative', 'positive', 'different', 'same']).toContain(first.label);
    });
  }

  it('cluener (tag, char granularity): entity F1 0.6945 within 0.005, entity texts equal the input at their offsets', async () => {
    const dev = join(shared, 'data', 'cluener', 'dev.jsonl');
    const out = join(tmp, 'cluener.jsonl');
    const r = await samp(['run', '--model', join(shared, 'models', 'cluener'), '--task', 'tag', '--granularity', 'char',
      '--input', dev, '--output', out, '--device', 'cpu', '--precision', 'fp32', '--max-length', '128']);
    expect(r.code, r.stderr).toBe(0);
    type Span = { start: number; end: number; type: string; text: string };
    const gold = readFileSync(dev, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { text: string; spans: Span[] });
    const got = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { entities: Span[] });
    expect(got).toHaveLength(gold.length);
    let tp = 0, predicted = 0, expected = 0;
    got.forEach((g, i) => {
      const key = (s: Span) => `${s.start}:${s.end}:${s.type}`;
      const want = new Set(gold[i]!.spans.map(key));
      for (const e of g.entities) {
        expect(gold[i]!.text.slice(e.start, e.end)).toBe(e.text);
        if (want.has(key(e))) tp++;
      }
      predicted += g.entities.length;
      expected += want.size;
    });
    const p = tp / predicted, rec = tp / expected;
    expect(Math.abs((2 * p * rec) / (p + rec) - 0.6945)).toBeLessThanOrEqual(0.005);
  });

  it('a bad line gives an error record with its number, and the run goes on', async () => {
    const input = join(tmp, 'mixed.jsonl');
    writeFileSync(input, ['{"id": 7, "text": "这家酒店很好"}', 'not json', '', '{"id": "x", "txt": "x"}', '{"text": "太差了"}'].join('\n'));
    const out = join(tmp, 'mixed-out.jsonl');
    const r = await samp(['run', '--model', join(shared, 'models', 'chnsenticorp'), '--task', 'classify', '--input', input,
      '--output', out, '--device', 'cpu', '--batch-size', '2']);
    expect(r.code, r.stderr).toBe(3);
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatchObject({ id: 7, label: expect.any(String) });
    expect(lines[1]).toMatchObject({ line: 2, error: { code: 'SAMP_INVALID_ARGUMENT' } });
    expect(lines[2]).toMatchObject({ line: 3, error: { code: 'SAMP_INVALID_ARGUMENT' } });
    expect(lines[3]).toMatchObject({ id: 'x', line: 4, error: { code: 'SAMP_INVALID_ARGUMENT' } });
    expect(lines[3].error.message).toContain('text');
    expect(lines[4].label).toBeDefined();
    expect(r.stderr).toContain('5 lines, 3 with errors');
  });
});

describe.skipIf(!hasShared)('samp run --task embed', () => {
  it('gives one L2-normalised vector per line, ids copied', async () => {
    const input = join(tmp, 'embed.jsonl');
    writeFileSync(input, '{"id": 1, "text": "房间很干净"}\n{"id": 2, "text": "服务太差了"}\n');
    const out = join(tmp, 'embed-out.jsonl');
    const r = await samp(['run', '--model', join(shared, 'models', 'chnsenticorp'), '--task', 'embed', '--normalize',
      '--input', input, '--output', out, '--device', 'cpu']);
    expect(r.code, r.stderr).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: number; embedding: number[] });
    expect(lines.map((l) => l.id)).toEqual([1, 2]);
    for (const l of lines) {
      expect(l.embedding).toHaveLength(256);
      expect(Math.hypot(...l.embedding)).toBeCloseTo(1, 6);
    }
  });
});

describe.skipIf(!hasShared)('samp run --matching bi-encoder and --plan', () => {
  it('bi-encoder gives one cosine score per pair; a plan file sets the layers', async () => {
    const input = join(tmp, 'pairs.jsonl');
    writeFileSync(input, '{"id": "p1", "text_a": "今天天气很好", "text_b": "今天天气很好"}\n{"text_a": "怎么开通花呗", "text_b": "明天去北京"}\n');
    const plan = join(tmp, 'plan.json');
    writeFileSync(plan, JSON.stringify({ default: 'fp32', layers: { 3: 'fp32' } }));
    const out = join(tmp, 'pairs-out.jsonl');
    const r = await samp(['run', '--model', join(shared, 'models', 'lcqmc'), '--task', 'match', '--matching', 'bi-encoder',
      '--plan', plan, '--input', input, '--output', out, '--device', 'cpu']);
    expect(r.code, r.stderr).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id?: string; score: number });
    expect(lines[0]).toMatchObject({ id: 'p1' });
    expect(lines[0]!.score).toBeCloseTo(1, 5);
    expect(lines[1]!.score).toBeLessThan(lines[0]!.score);
  });

  it('a bad plan file exits 1 naming the file; --plan with --precision exits 2', async () => {
    const input = join(tmp, 'one-pair.jsonl');
    writeFileSync(input, '{"text_a": "a", "text_b": "b"}\n');
    const plan = join(tmp, 'bad-plan.json');
    writeFileSync(plan, '{"default": "fp64"}');
    const args = ['run', '--model', join(shared, 'models', 'lcqmc'), '--task', 'match', '--input', input, '--output', join(tmp, 'x.jsonl'), '--device', 'cpu'];
    const bad = await samp([...args, '--plan', plan]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/SAMP_INVALID_ARGUMENT.*precision.default/);
    const both = await samp([...args, '--plan', plan, '--precision', 'fp32']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('not both');
  });
});

describe.skipIf(!hasShared)('samp info and samp tokenize', () => {
  it('info names the head, labels, shape and devices', async () => {
    const cls = await samp(['info', '--model', join(shared, 'models', 'chnsenticorp')]);
    expect(cls.code, cls.stderr).toBe(0);
    expect(JSON.parse(cls.stdout)).toMatchObject({
      head: 'sequence-classification', labels: ['negative', 'positive'], tokenizer: 'tokenizer.json',
      shape: { hidden: 256, layers: 4, heads: 4, hasPooler: true },
    });
    const tag = JSON.parse((await samp(['info', '--model', join(shared, 'models', 'cluener')])).stdout);
    expect(tag.head).toBe('token-classification');
    expect(tag.labels).toHaveLength(21);
    expect(tag.devices[0].kind).toBe('cpu');
  });

  it('tokenize gives ids, tokens and offsets per line, error records for bad lines', async () => {
    const input = join(tmp, 'tok.jsonl');
    writeFileSync(input, '{"text": "房间很好"}\n{"text_a": "a", "text_b": "b"}\n{"x": 1}\n');
    const out = join(tmp, 'tok-out.jsonl');
    const r = await samp(['tokenize', '--model', join(shared, 'models', 'chnsenticorp'), '--input', input, '--output', out]);
    expect(r.code).toBe(3);
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[0].tokens).toEqual(['[CLS]', '房', '间', '很', '好', '[SEP]']);
    expect(lines[0].offsets[1]).toEqual([0, 1]);
    expect(lines[1].type_ids).toEqual([0, 0, 0, 1, 1]);
    expect(lines[2]).toMatchObject({ line: 3, error: { code: 'SAMP_INVALID_ARGUMENT' } });
  });
});

describe('samp usage', () => {
  it('exits 2 with a message on a missing or bad option', async () => {
    const r = await samp(['run', '--task', 'classify']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Missing --model');
    const bad = await samp(['run', '--model', 'm', '--task', 'summarize', '--input', 'i', '--output', 'o']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Expected --task to be one of classify, match, tag');
  });

  it('exits 1 with SAMP_FILE_NOT_FOUND for a missing model directory', async () => {
    const input = join(tmp, 'one.jsonl');
    writeFileSync(input, '{"text": "x"}\n');
    const r = await samp(['run', '--model', join(tmp, 'nope'), '--task', 'classify', '--input', input, '--output', join(tmp, 'o.jsonl'), '--device', 'cpu']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('SAMP_FILE_NOT_FOUND');
  });
});
