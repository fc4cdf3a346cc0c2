// samp recommend end to end on the CPU: the summary line, the exit code when nothing meets the requirement, and
// usage errors.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasShared, samp, shared } from './harness.js';

const tmp = mkdtempSync(join(tmpdir(), 'samp-recommend-cli-'));
const common = (out: string) => [
  'recommend', '--model', join(shared, 'models', 'lcqmc'), '--task', 'match',
  '--calib', join(shared, 'data', 'lcqmc', 'train.jsonl'), '--dev', join(shared, 'data', 'lcqmc', 'dev.jsonl'),
  '--out', join(tmp, out), '--device', 'cpu', '--dev-samples', '80', '--samples', '64', '--max-length', '64',
  '--batch', '2', '--seq', '32', '--iters', '2',
];

describe('samp recommend', () => {
  it('rejects two requirements, fractions out of range and a missing --dev', async () => {
    const two = await samp(['recommend', '--model', 'm', '--task', 'match', '--calib', 'c', '--dev', 'd', '--out', 'o', '--max-drop', '0.01', '--min-metric', '0.9']);
    expect(two.code).toBe(2);
    expect(two.stderr).toMatch(/Give one of --max-drop, --min-metric and --max-latency-ms/);
    const big = await samp(['recommend', '--model', 'm', '--task', 'match', '--calib', 'c', '--dev', 'd', '--out', 'o', '--max-drop', '1.5']);
    expect(big.stderr).toMatch(/0.01 is one point/);
    const none = await samp(['recommend', '--model', 'm', '--task', 'match', '--calib', 'c', '--out', 'o']);
    expect(none.stderr).toMatch(/Missing --dev/);
  });

  it.skipIf(!hasShared)('a bad dev line stops it with the line number, before any work', async () => {
    const dev = join(tmp, 'bad-dev.jsonl');
    writeFileSync(dev, `${JSON.stringify({ text_a: 'a', text_b: 'b', label: 1 })}\n${JSON.stringify({ text_a: 'a', text_b: 'b' })}\n`);
    const args = common('bad');
    args[args.indexOf('--dev') + 1] = dev;
    const r = await samp([...args, '--max-drop', '0.01']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/SAMP_INVALID_ARGUMENT: .*bad-dev.jsonl, line 2: .*label id/);
    expect(existsSync(join(tmp, 'bad'))).toBe(false);
  });

  it.skipIf(!hasShared)('recommends within the drop; exit 4 and no model when nothing meets', async () => {
    const r = await samp([...common('ok'), '--max-drop', '0.01']);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    expect(summary.met).toBe(true);
    expect(summary.drop).toBeLessThanOrEqual(0.01 + 1e-9);
    expect(r.stderr).toMatch(/samp recommend: .*ok: .*drop .* pt/);
    expect(existsSync(join(tmp, 'ok', 'samp.json'))).toBe(true);
    const miss = await samp([...common('miss'), '--min-metric', '0.999']);
    expect(miss.code).toBe(4);
    expect(miss.stderr).toMatch(/no plan meets the requirement/);
    expect(JSON.parse(miss.stdout.trim()).closest).toHaveLength(3);
    expect(existsSync(join(tmp, 'miss', 'samp.json'))).toBe(false);
    expect(existsSync(join(tmp, 'miss', 'report.md'))).toBe(true);
  });
});
