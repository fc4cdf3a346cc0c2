import { describe, expect, it } from 'vitest';
import { readSafetensorsFile, readTorchBin } from '../src/index.js';
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
});
