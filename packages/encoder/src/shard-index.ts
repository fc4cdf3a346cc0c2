// A shard index (`model.safetensors.index.json`, `pytorch_model.bin.index.json`): the files its weight_map names,
// each checked to be a plain file name in the index's directory and to exist there.
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { SampError, SampErrorCode } from '@samp/kernels-cuda';

/** The paths of the distinct shards an index lists. */
export function shardFiles(index: string): string[] {
  let map: unknown;
  try {
    map = (JSON.parse(readFileSync(index, 'utf8')) as { weight_map?: unknown } | null)?.weight_map;
  } catch (error) {
    throw new SampError(SampErrorCode.ModelFormat, `${index} is not a valid shard index: ${(error as Error).message}`);
  }
  if (typeof map !== 'object' || map === null || Array.isArray(map)) {
    throw new SampError(SampErrorCode.ModelFormat, `${index} is not a valid shard index: no weight_map object`);
  }
  const dir = dirname(index);
  return [...new Set(Object.values(map as Record<string, unknown>))].map((shard) => {
    if (typeof shard !== 'string' || shard === '' || shard === '.' || shard === '..' || basename(shard) !== shard) {
      throw new SampError(SampErrorCode.ModelFormat, `${index} names the shard ${JSON.stringify(shard)}, which is not a file name in ${dir}`);
    }
    const path = join(dir, shard);
    if (!existsSync(path)) throw new SampError(SampErrorCode.FileNotFound, `Shard ${shard} listed in ${index} is missing`);
    return path;
  });
}
