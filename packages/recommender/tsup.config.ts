import { defineConfig } from 'tsup';

// ESM only: the chart library (vega) is published as ES modules only.
export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm'],
  dts: { compilerOptions: { stripInternal: true } },
  sourcemap: true,
  clean: true,
  target: 'node20',
});
