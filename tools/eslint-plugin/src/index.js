// ESLint plugin of the samp monorepo: the `layers` rule keeps imports going down the package layers.
import path from 'node:path';
import { LAYERS, layerOfFile } from './layers.js';

const SAMP = /^(@samp\/[^/]+|samp)(\/.*)?$/;

/** @type {import('eslint').Rule.RuleModule} */
const layers = {
  meta: {
    type: 'problem',
    docs: { description: 'Imports go one way: down the layers of DESIGN.md, through public entries only' },
    schema: [{ type: 'object', properties: { root: { type: 'string' } }, additionalProperties: false }],
    messages: {
      upward: '{{from}} (layer {{fromLayer}}) must not import {{to}} (layer {{toLayer}}): imports only go to lower layers.',
      deep: 'Import {{to}} through its public entry, not {{source}}.',
      escape: 'Relative import {{source}} leaves the package {{from}}; import the other package by name.',
    },
  },
  create(context) {
    const root = context.options[0]?.root ?? context.cwd;
    const file = path.relative(root, context.filename);
    const owner = layerOfFile(file);
    function check(node) {
      const source = node.source?.value;
      if (typeof source !== 'string') return;
      if (source.startsWith('.')) {
        if (!owner) return;
        const target = path.relative(root, path.resolve(path.dirname(context.filename), source)).replaceAll('\\', '/');
        if (!target.startsWith(`${owner.dir}/`)) context.report({ node, messageId: 'escape', data: { source, from: owner.name } });
        return;
      }
      const m = SAMP.exec(source);
      if (!m || !(m[1] in LAYERS)) return;
      const to = m[1];
      if (m[2] && m[2] !== '/package.json') context.report({ node, messageId: 'deep', data: { to, source } });
      if (owner && to !== owner.name && LAYERS[to].layer >= owner.layer) {
        context.report({
          node,
          messageId: 'upward',
          data: { from: owner.name, fromLayer: owner.layer, to, toLayer: LAYERS[to].layer },
        });
      }
    }
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
    };
  },
};

export default { rules: { layers } };
