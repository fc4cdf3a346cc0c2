// Bundles a TypeScript or JavaScript entry and the workspace packages it imports (from their sources) into one ESM
// file for Node 20. The native addon is not bundled: the loader finds it through SAMP_KERNELS_ADDON.
import { build } from 'esbuild';

/** Writes `outfile` from `entry`. */
export async function bundleForNode(entry, outfile) {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['source'],
    // bundled CommonJS dependencies may call require()
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    logLevel: 'warning',
  });
}
