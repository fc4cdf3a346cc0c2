// Runs a TypeScript benchmark of this directory: bundles it with esbuild (workspace packages from source) into a
// temporary file and runs that with the remaining arguments (the addon from this checkout's build). Usage: node src/run-ts.mjs src/X.ts [args...]
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleForNode } from '@samp/bundle';

const [entry, ...rest] = process.argv.slice(2);
const outfile = join(mkdtempSync(join(tmpdir(), 'samp-bench-')), 'bench.mjs');
await bundleForNode(entry, outfile);
// the bundle no longer sits beside the addon: point the loader at this checkout's build
const addon = resolve(dirname(fileURLToPath(import.meta.url)), '../../../packages/kernels-cuda/build/Release/samp_kernels.node');
const env = { SAMP_KERNELS_ADDON: addon, ...process.env };
const r = spawnSync(process.execPath, [outfile, ...rest], { stdio: 'inherit', env });
process.exit(r.status ?? 1);
