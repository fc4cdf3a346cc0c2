// Locates ../shared (models and data beside the repository) for tests; SAMP_SHARED overrides.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../../..');

/** Absolute path inside the shared folder; throws with a fix if it is missing. */
export function sharedPath(...parts: string[]): string {
  const root = process.env.SAMP_SHARED ?? resolve(repo, '../shared');
  const path = join(root, ...parts);
  if (!existsSync(path)) {
    throw new Error(`Missing ${path}: these tests need the shared models and data beside the repository (or SAMP_SHARED=DIR).`);
  }
  return path;
}

/** Path of a committed fixture of this package. */
export function fixturePath(name: string): string {
  return resolve(here, '../fixtures', name);
}

/** Lines of a gzipped JSON-lines fixture, parsed. */
export function readGzipJsonl<T>(name: string): T[] {
  const text = gunzipSync(readFileSync(fixturePath(name))).toString('utf8');
  return text
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as T);
}
