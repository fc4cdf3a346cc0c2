// Paths of the committed fixtures (made by scripts/gen-fixtures.py with PyTorch) and tensor comparison helpers.
import { fileURLToPath } from 'node:url';
import { readSafetensorsFile } from '../src/index.js';
import type { RawTensor, StateDict } from '../src/index.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
export const fixture = (name: string): string => `${FIXTURES}${name}`;

export function sameTensor(a: RawTensor | undefined, b: RawTensor): boolean {
  return !!a && a.dtype === b.dtype && a.shape.join() === b.shape.join() && Buffer.compare(Buffer.from(a.data), Buffer.from(b.data)) === 0;
}

/** Names of the reference's tensors that `got` lacks or holds with other bytes, dtype or shape. */
export function mismatches(got: StateDict, refFile: string): string[] {
  const ref = readSafetensorsFile(fixture(refFile));
  return [...ref].filter(([n, t]) => !sameTensor(got.get(n), t)).map(([n]) => n);
}
