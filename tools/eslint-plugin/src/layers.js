// The package layers of DESIGN.md: a package may import only packages of a strictly lower layer.

/** Package name -> { dir, layer }. Apps and examples (layer Infinity) may import any package. */
export const LAYERS = Object.freeze({
  '@samp/tokenizer': { dir: 'packages/tokenizer', layer: 0 },
  '@samp/kernels-cuda': { dir: 'packages/kernels-cuda', layer: 0 },
  '@samp/encoder': { dir: 'packages/encoder', layer: 1 },
  '@samp/targets': { dir: 'packages/targets', layer: 2 },
  '@samp/converters': { dir: 'packages/converters', layer: 2 },
  '@samp/recommender': { dir: 'packages/recommender', layer: 3 },
  samp: { dir: 'packages/cli', layer: 4 },
  // DESIGN.md puts the bridge beside the CLI and says it depends on cli/targets: above the CLI, then
  '@samp/python-bridge': { dir: 'packages/python-bridge', layer: 5 },
});

/** The layer a file belongs to (by its path relative to the repository root), and its package dir. */
export function layerOfFile(relPath) {
  const path = relPath.replaceAll('\\', '/');
  for (const [name, info] of Object.entries(LAYERS)) {
    if (path.startsWith(`${info.dir}/`)) return { name, ...info };
  }
  return null; // apps/, examples/, tools/, test/: free to import any public entry
}
