// Mutated and truncated checkpoints: every parser answers with a SampError (SAMP_MODEL_FORMAT, or
// SAMP_UNSAFE_PICKLE for a mutation that names a foreign global), never another exception, a crash or a huge
// allocation.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { SafetensorsFile } from '@samp/encoder';
import { SampError } from '@samp/kernels-cuda';
import { describe, expect, it } from 'vitest';
import { readTorchBin, unpickle } from '../src/index.js';
import { fixture } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'samp-fuzz-'));
let n = 0;

/** Runs `read` on the mutated bytes; passes when it returns or throws a SampError. */
function survives(bytes: Uint8Array, read: (path: string) => unknown): boolean {
  const path = join(dir, `m${n++}.bin`);
  writeFileSync(path, bytes);
  try {
    read(path);
  } catch (error) {
    if (!(error instanceof SampError)) throw error;
    expect(['SAMP_MODEL_FORMAT', 'SAMP_UNSAFE_PICKLE']).toContain(error.code);
  }
  return true;
}

/** A mutation: overwrite a few bytes, cut the file, or splice a run of bytes elsewhere. */
const mutation = (size: number) =>
  fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), edits: fc.array(fc.tuple(fc.nat({ max: size - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }) }),
    fc.record({ kind: fc.constant('cut' as const), at: fc.nat({ max: size - 1 }) }),
    fc.record({ kind: fc.constant('splice' as const), from: fc.nat({ max: size - 1 }), to: fc.nat({ max: size - 1 }), length: fc.integer({ min: 1, max: 64 }) }),
  );

type Mutation = { kind: 'flip'; edits: [number, number][] } | { kind: 'cut'; at: number } | { kind: 'splice'; from: number; to: number; length: number };

function mutate(src: Uint8Array, m: Mutation): Uint8Array {
  const b = Uint8Array.from(src);
  if (m.kind === 'flip') for (const [at, v] of m.edits) b[at] = v;
  else if (m.kind === 'cut') return b.subarray(0, m.at);
  else b.copyWithin(m.to, m.from, m.from + m.length);
  return b;
}

/** Mutations aimed at the structure: the pickle region of a zip, or the first 4 KiB of a file. */
function fuzz(name: string, read: (path: string) => unknown, runs: number, focus = 4096): void {
  const src = readFileSync(fixture(name));
  const size = Math.min(src.length, focus);
  fc.assert(fc.property(mutation(size), (m) => survives(mutate(src, m), read)), { numRuns: runs, seed: 20261124 });
}

describe('fuzzed parsers', () => {
  it('torch.save zip (pickle and directory mutated)', () => {
    fuzz('cls-fp16.bin', readTorchBin, 400);
    // the central directory and local headers at the end of the archive
    const src = readFileSync(fixture('cls-fp16.bin'));
    fc.assert(fc.property(fc.array(fc.tuple(fc.integer({ min: src.length - 2048, max: src.length - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
      (edits) => survives(mutate(src, { kind: 'flip', edits }), readTorchBin)), { numRuns: 300, seed: 7 });
  });

  it('legacy torch.save stream', () => {
    fuzz('cls-legacy.bin', readTorchBin, 400, 1 << 20);
  });

  it('safetensors header', () => {
    fuzz('cls.ref.safetensors', (p) => {
      const f = SafetensorsFile.open(p);
      try {
        for (const name of f.tensors.keys()) f.readRaw(name);
      } finally {
        f.close();
      }
    }, 400);
  });

  it('random bytes as a pickle', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 256 }), (bytes) => {
      try {
        unpickle(bytes, { globals: new Map(), path: 'random' });
      } catch (error) {
        if (!(error instanceof SampError)) throw error;
      }
      return true;
    }), { numRuns: 2000, seed: 3 });
  });

  it('lying sizes are refused before allocation', () => {
    // a BINUNICODE claiming 2 GiB and a LONG4 of 2^31 bytes in a 7-byte file
    for (const bytes of [[0x80, 2, 0x58, 0xff, 0xff, 0xff, 0x7f], [0x80, 2, 0x8b, 0xff, 0xff, 0xff, 0x7f]]) {
      expect(() => unpickle(Uint8Array.from(bytes), { globals: new Map(), path: 'lie' })).toThrow(SampError);
    }
  });
});

describe('overlapping files', () => {
  it('a safetensors header whose tensors share bytes is refused', () => {
    const dir2 = mkdtempSync(join(tmpdir(), 'samp-overlap-'));
    const header = JSON.stringify({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } });
    const head = Buffer.alloc(8);
    head.writeBigUInt64LE(BigInt(header.length));
    const path = join(dir2, 'x.safetensors');
    writeFileSync(path, Buffer.concat([head, Buffer.from(header), Buffer.alloc(12)]));
    expect(() => SafetensorsFile.open(path)).toThrow(/overlap/);
  });

  it('a zip whose directory points two members at the same bytes is refused', () => {
    const src = Buffer.from(readFileSync(fixture('cls-fp16.bin')));
    const first = src.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    const second = src.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), first + 4);
    src.writeUInt32LE(src.readUInt32LE(first + 42), second + 42);
    const path = join(dir, 'overlap.bin');
    writeFileSync(path, src);
    expect(() => readTorchBin(path)).toThrow(/overlap/);
  });
});
