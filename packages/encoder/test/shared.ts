// Where the shared models and data are: SAMP_SHARED, else ../shared beside the repository.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const sharedDir = process.env.SAMP_SHARED ?? resolve(root, '../shared');
export const hasShared = existsSync(join(sharedDir, 'models'));
export const modelDir = (name: string) => join(sharedDir, 'models', name);
export const fixturePath = (name: string) => join(root, 'packages/encoder/fixtures', `${name}.json.gz`);
