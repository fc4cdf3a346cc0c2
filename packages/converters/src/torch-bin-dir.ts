// pytorch_model.bin in a directory, or its shards listed by pytorch_model.bin.index.json.
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { formatError } from './format-error.js';
import type { StateDict } from './tensor.js';
import { readTorchBin } from './torch-bin.js';

export const TORCH_BIN = 'pytorch_model.bin';
export const TORCH_BIN_INDEX = 'pytorch_model.bin.index.json';

/** The shard file names of an index's weight_map, each a plain file name in the same directory. */
export function shardNames(indexPath: string): string[] {
  let map: unknown;
  try {
    map = (JSON.parse(readFileSync(indexPath, 'utf8')) as { weight_map?: unknown }).weight_map;
  } catch (error) {
    throw formatError(indexPath, `not valid JSON (${(error as Error).message})`);
  }
  if (typeof map !== 'object' || map === null || Array.isArray(map)) throw formatError(indexPath, 'has no weight_map object');
  const shards = [...new Set(Object.values(map as Record<string, unknown>))];
  for (const s of shards) {
    if (typeof s !== 'string' || s.length === 0 || basename(s) !== s || s === '..' || s === '.') {
      throw formatError(indexPath, `names the shard ${JSON.stringify(s)}, which is not a file name in its directory`);
    }
  }
  return shards as string[];
}

/** Reads the directory's PyTorch weights (one file or shards); a tensor in two shards is an error. */
export function readTorchBinDir(dir: string): StateDict {
  const single = join(dir, TORCH_BIN);
  if (existsSync(single)) return readTorchBin(single);
  const index = join(dir, TORCH_BIN_INDEX);
  const out: StateDict = new Map();
  for (const shard of shardNames(index)) {
    for (const [name, t] of readTorchBin(join(dir, shard))) {
      if (out.has(name)) throw formatError(index, `tensor "${name}" is in more than one shard`);
      out.set(name, t);
    }
  }
  return out;
}
