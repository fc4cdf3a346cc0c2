// samp convert end to end: a pytorch_model.bin directory to a model samp run uses, with both ONNX graphs; usage
// and refusal errors with their exit codes.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { samp } from './harness.js';

const fixtures = resolve(import.meta.dirname, '../../converters/fixtures');
const tmp = mkdtempSync(join(tmpdir(), 'samp-convert-cli-'));

describe('samp convert', () => {
  it('converts, and samp run classifies with the result', async () => {
    const to = join(tmp, 'cls');
    const r = await samp(['convert', '--from', join(fixtures, 'cls'), '--to', to, '--onnx', '--onnx-int8', 'dynamic']);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout.trim().split('\n').pop()!) as { format: string; files: string[] };
    expect(summary.format).toBe('torch-bin');
    expect(summary.files).toEqual(expect.arrayContaining(['model.safetensors', 'model.onnx', 'model.int8.onnx', 'tokenizer.json']));
    expect(r.stderr).toMatch(/checking that samp loads the result/);
    const input = join(tmp, 'in.jsonl');
    writeFileSync(input, `${JSON.stringify({ text: '!"#$' })}\n`);
    const output = join(tmp, 'out.jsonl');
    const run = await samp(['run', '--model', to, '--task', 'classify', '--input', input, '--output', output, '--device', 'cpu']);
    expect(run.code).toBe(0);
    expect(JSON.parse(readFileSync(output, 'utf8').trim()).label).toMatch(/^LABEL_[012]$/);
  });

  it('usage errors exit 2, refusals exit 1 with their code', async () => {
    expect((await samp(['convert', '--to', join(tmp, 'x')])).stderr).toMatch(/Missing --from/);
    expect((await samp(['convert', '--from', 'a', '--to', 'b', '--onnx-int8', 'static'])).stderr).toMatch(/--onnx-int8 to be one of dynamic, qdq/);
    const bad = await samp(['convert', '--from', 'a', '--to', 'b', '--dtype', 'int4']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--dtype to be one of fp32, fp16, bf16/);
    const unsafe = await samp(['convert', '--from', join(fixtures, 'unsafe-zip.bin'), '--to', join(tmp, 'unsafe')]);
    expect(unsafe.code).toBe(1);
    expect(unsafe.stderr).toMatch(/SAMP_UNSAFE_PICKLE: .*posix\.system/);
    expect(existsSync(join(tmp, 'unsafe'))).toBe(false);
  });
});
