// The layers rule reports upward, deep and package-escaping imports, and allows downward ones.
import { RuleTester } from 'eslint';
import { describe, it } from 'vitest';
import plugin from './index.js';

RuleTester.describe = describe;
RuleTester.it = it;
const tester = new RuleTester({ languageOptions: { ecmaVersion: 2022, sourceType: 'module' } });
const root = '/repo';
const at = (file) => ({ filename: `${root}/${file}`, options: [{ root }] });

tester.run('layers', plugin.rules.layers, {
  valid: [
    { code: "import { Tokenizer } from '@samp/tokenizer';", ...at('packages/targets/src/pipeline.ts') },
    { code: "import { Encoder } from '@samp/encoder';", ...at('packages/cli/src/run.ts') },
    { code: "import { x } from './internal/x.js';", ...at('packages/tokenizer/src/a.ts') },
    { code: "import { x } from '../src/index.js';", ...at('packages/tokenizer/test/a.test.ts') },
    { code: "import { pipeline } from '@samp/targets';", ...at('apps/bench/src/a.ts') },
    { code: "import pkg from '@samp/tokenizer/package.json';", ...at('apps/bench/src/a.ts') },
  ],
  invalid: [
    { code: "import { Encoder } from '@samp/encoder';", ...at('packages/tokenizer/src/a.ts'), errors: [{ messageId: 'upward' }] },
    { code: "import { k } from '@samp/kernels-cuda';", ...at('packages/tokenizer/src/a.ts'), errors: [{ messageId: 'upward' }] },
    { code: "import { p } from '@samp/targets';", ...at('packages/converters/src/a.ts'), errors: [{ messageId: 'upward' }] },
    { code: "export * from '@samp/recommender';", ...at('packages/encoder/src/a.ts'), errors: [{ messageId: 'upward' }] },
    { code: "import { x } from '@samp/tokenizer/src/internal/x.js';", ...at('apps/bench/src/a.ts'), errors: [{ messageId: 'deep' }] },
    { code: "import { x } from '../../encoder/src/index.js';", ...at('packages/tokenizer/src/a.ts'), errors: [{ messageId: 'escape' }] },
  ],
});
