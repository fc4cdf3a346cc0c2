import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SampError } from '@samp/kernels-cuda';
import { describe, expect, it } from 'vitest';
import { PickleTuple, readTorchBin, unpickle } from '../src/index.js';
import { fixture } from './fixtures.js';

const MARKER = join(tmpdir(), 'samp-unsafe-pickle-ran');

function refusal(fn: () => unknown): SampError {
  try {
    fn();
  } catch (error) {
    if (error instanceof SampError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('the restricted unpickler', () => {
  it.each([
    ['unsafe-zip.bin', 'posix.system'],
    ['unsafe-legacy.bin', 'posix.system'],
    ['unsafe-stack-global.bin', 'builtins.eval'],
    ['unsafe-nested.bin', 'posix.getpid'],
  ])('refuses %s naming %s, and nothing runs', (file, global) => {
    rmSync(MARKER, { force: true });
    const error = refusal(() => readTorchBin(fixture(file)));
    expect(error.code).toBe('SAMP_UNSAFE_PICKLE');
    expect(error.message).toContain(global);
    expect(existsSync(MARKER)).toBe(false);
  });

  const ops = (...parts: (number[] | string)[]): Uint8Array => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));

  it('refuses INST and the extension registry too', () => {
    const inst = ops([0x28], 'S\'x\'\n', 'isubprocess\nPopen\n', '.');
    expect(refusal(() => unpickle(inst, { globals: new Map(), path: 'inst' })).message).toContain('subprocess.Popen');
    const ext = ops([0x80, 0x02, 0x82, 0x01, 0x2e]);
    expect(refusal(() => unpickle(ext, { globals: new Map(), path: 'ext' })).code).toBe('SAMP_UNSAFE_PICKLE');
  });

  it('builds plain containers without any global', () => {
    // {'a': [1, 2.5, True, None], 'b': (3, -2**40)}
    const bytes = ops([0x80, 0x02, 0x7d, 0x28], 'X', [1, 0, 0, 0], 'a', [0x5d, 0x28, 0x4b, 1, 0x47, 0x40, 0x04, 0, 0, 0, 0, 0, 0, 0x88, 0x4e, 0x65],
      'X', [1, 0, 0, 0], 'b', [0x4b, 3, 0x8a, 6, 0, 0, 0, 0, 0, 0xff, 0x86, 0x75, 0x2e]);
    const { value } = unpickle(bytes, { globals: new Map(), path: 'plain' });
    const m = value as Map<string, unknown>;
    expect(m.get('a')).toEqual([1, 2.5, true, null]);
    expect((m.get('b') as PickleTuple).items).toEqual([3, -(2 ** 40)]);
  });

  it('gives SAMP_MODEL_FORMAT for truncated and malformed pickles', () => {
    for (const bytes of [ops([0x80, 0x02, 0x58, 0xff, 0xff, 0xff, 0x7f]), ops([0x80, 0x02, 0x30, 0x2e]), ops([0x80, 0x02, 0x68, 0x05, 0x2e]), ops([0x80, 0x02, 0xff])]) {
      expect(refusal(() => unpickle(bytes, { globals: new Map(), path: 'bad' })).code).toBe('SAMP_MODEL_FORMAT');
    }
  });
});
