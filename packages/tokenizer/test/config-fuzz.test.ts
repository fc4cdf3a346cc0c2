// Mutated tokenizer.json files are either loaded or refused with a SampError; never another exception.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SampError, Tokenizer } from '../src/index.js';
import { sharedPath } from './shared.js';

const base = JSON.parse(readFileSync(sharedPath('models/chnsenticorp/tokenizer.json'), 'utf8')) as Record<string, unknown>;
const small: Record<string, unknown> = { ...base, model: { ...(base.model as object), vocab: { '[PAD]': 0, '[UNK]': 1, '[CLS]': 2, '[SEP]': 3, a: 4, '##b': 5 } } };

/** Paths into the config worth breaking: every key of every section, two levels deep. */
function paths(obj: unknown, prefix: string[] = [], depth = 0): string[][] {
  if (depth > 2 || typeof obj !== 'object' || obj === null) return [prefix];
  return [prefix, ...Object.keys(obj).flatMap((k) => paths((obj as Record<string, unknown>)[k], [...prefix, k], depth + 1))];
}

function setAt(obj: unknown, path: string[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy: Record<string, unknown> = Array.isArray(obj) ? ([...obj] as never) : { ...(obj as Record<string, unknown>) };
  copy[path[0]!] = setAt((obj as Record<string, unknown>)?.[path[0]!], path.slice(1), value);
  return copy;
}

const targets = paths(small).filter((p) => p[0] !== 'model' || p[1] !== 'vocab' || p.length <= 3);

describe('tokenizer.json robustness (fast-check)', () => {
  it('loads or throws SampError, and a loaded tokenizer encodes', () => {
    fc.assert(
      fc.property(fc.constantFrom(...targets), fc.jsonValue({ maxDepth: 2 }), (path, value) => {
        const mutated = setAt(small, path, value);
        let tk: Tokenizer;
        try {
          tk = Tokenizer.fromJSON(mutated as object);
        } catch (error) {
          expect(error).toBeInstanceOf(SampError);
          return;
        }
        const e = tk.encode('ab a [SEP] 好', 'b');
        expect(e.length).toBeGreaterThan(0);
      }),
      { numRuns: 3000 },
    );
  });

  it('refuses absurd padding instead of allocating it', () => {
    const padding = { ...(small.padding as object), strategy: { Fixed: 1e9 } };
    expect(() => Tokenizer.fromJSON({ ...small, padding })).toThrow(/padding\.strategy\.Fixed/);
    expect(() => Tokenizer.fromJSON(small).encode('a', null, { padding: { length: 1e9 } })).toThrow(SampError);
  });

  it('refuses text that is not JSON, and JSON that is not an object', () => {
    for (const text of ['', '{', '[1,2]', 'null', '"x"', '{"model": null}']) {
      expect(() => Tokenizer.fromJSON(text)).toThrow(SampError);
    }
  });
});
