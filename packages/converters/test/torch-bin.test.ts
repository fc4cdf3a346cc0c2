import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSafetensorsFile, readTorchBin, readTorchBinDir } from '../src/index.js';
import { fixture, mismatches } from './fixtures.js';

describe('readTorchBin', () => {
  it.each([
    ['cls/pytorch_model.bin', 'cls.ref.safetensors'],
    ['cls-legacy.bin', 'cls.ref.safetensors'],
    ['cls-fp16.bin', 'cls-fp16.ref.safetensors'],
    ['cls-bf16.bin', 'cls-bf16.ref.safetensors'],
  ])('%s gives the bytes PyTorch saved (%s)', (bin, ref) => {
    const sd = readTorchBin(fixture(bin));
    expect(sd.size).toBe(readSafetensorsFile(fixture(ref)).size);
    expect(mismatches(sd, ref)).toEqual([]);
  });

  it('materializes shared storages, offsets, transposes, int64, bool, scalars and empty tensors', () => {
    const sd = readTorchBin(fixture('views.bin'));
    expect(mismatches(sd, 'views.ref.safetensors')).toEqual([]);
    expect(sd.get('transposed')!.shape).toEqual([4, 6]);
    expect(sd.get('scalar')!.shape).toEqual([]);
    expect(sd.get('flags')!.dtype).toBe('BOOL');
  });

  it('reads shards listed by pytorch_model.bin.index.json, and names a missing one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'samp-shards-'));
    copyFileSync(fixture('cls-fp16.bin'), join(dir, 'a.bin'));
    copyFileSync(fixture('views.bin'), join(dir, 'b.bin'));
    writeFileSync(join(dir, 'pytorch_model.bin.index.json'), JSON.stringify({ weight_map: { 'classifier.weight': 'a.bin', base: 'b.bin' } }));
    const sd = readTorchBinDir(dir);
    expect(mismatches(sd, 'cls-fp16.ref.safetensors')).toEqual([]);
    expect(mismatches(sd, 'views.ref.safetensors')).toEqual([]);
    rmSync(join(dir, 'b.bin'));
    expect(() => readTorchBinDir(dir)).toThrow(/Shard b.bin listed in .* is missing/);
  });
});
