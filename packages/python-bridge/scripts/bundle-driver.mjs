// Builds dist/driver.mjs: the bridge's Node driver with samp's packages in one file (the native addon stays
// outside; the Python package points SAMP_KERNELS_ADDON at it).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleForNode } from '@samp/bundle';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
await bundleForNode(join(root, 'src/driver.ts'), join(root, 'dist/driver.mjs'));
