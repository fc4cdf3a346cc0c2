// pytorch_model.bin in a directory, or its shards listed by pytorch_model.bin.index.json.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { shardFiles } from '@samp/encoder';
import { formatError } from './format-error.js';
import type { StateDict } from './tensor.js';
import { readTorchBin } from './torch-bin.js';

export const TORCH_BIN = 'pytorch_model.bin';
export const TORCH_BIN_INDEX = 'pytorch_model.bin.index.json';

/** Reads the directory's PyTorch weights (one file or shards); a tensor in two shards is an error. */
export function readTorchBinDir(dir: string): StateDict {
  const single = join(dir, TORCH_BIN);
  if (existsSync(single)) return readTorchBin(single);
  const index = join(dir, TORCH_BIN_INDEX);
  const out: StateDict = new Map();
  for (const shard of shardFiles(index)) {
    for (const [name, t] of readTorchBin(shard)) {
      if (out.has(name)) throw formatError(index, `tensor "${name}" is in more than one shard`);
      out.set(name, t);
    }
  }
  return out;
}
