// Lint for the whole monorepo: typescript-eslint's recommended rules and the package-layer rule.
import tseslint from 'typescript-eslint';
import samp from '@samp/eslint-plugin';

const root = import.meta.dirname;

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/.turbo/**', '.gpu/**', '**/unicode-tables.ts'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,mts,cts,js,mjs,cjs}'],
    plugins: { samp },
    rules: {
      'samp/layers': ['error', { root }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
