// vocab.txt <-> tokenizer.json: the tokenizer.json made from a vocab.txt encodes as HF's own file for the shared
// models does, and the vocab.txt of a tokenizer.json is the original vocab.txt.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Tokenizer } from '@samp/tokenizer';
import { describe, expect, it } from 'vitest';
import { tokenizerJsonFromVocab, vocabFromTokenizerJson, vocabMap } from '../src/index.js';
import { fixture } from './fixtures.js';

const root = resolve(import.meta.dirname, '../../..');
const shared = process.env.SAMP_SHARED ?? resolve(root, '../shared');
const hasShared = existsSync(join(shared, 'models'));

describe('vocab.txt <-> tokenizer.json', () => {
  it('reads vocab.txt as HF does: trailing whitespace trimmed, the last of two equal tokens wins', () => {
    expect([...vocabMap('[UNK]\n\u2028\n##\u2028 \nx\r\nx\n')]).toEqual([['[UNK]', 0], ['', 1], ['##', 2], ['x', 4]]);
  });

  it('round-trips the fixture vocabulary', () => {
    const vocab = readFileSync(fixture('cls/vocab.txt'), 'utf8');
    expect(vocabFromTokenizerJson(tokenizerJsonFromVocab(vocab))).toBe(vocab);
  });

  it('refuses what a vocab.txt cannot hold or a BERT tokenizer needs', () => {
    expect(() => vocabMap('')).toThrow(/empty/);
    expect(() => tokenizerJsonFromVocab('a\nb\n')).toThrow(/no unk token/);
    expect(() => vocabFromTokenizerJson({ model: { type: 'BPE', vocab: {} } })).toThrow(/WordPiece/);
    expect(() => vocabFromTokenizerJson({ model: { type: 'WordPiece', vocab: { a: 0, b: 2 } } })).toThrow(/outside 0..1/);
    expect(() => vocabFromTokenizerJson({ model: { type: 'WordPiece', vocab: { a: 0, b: 0 } } })).toThrow(/both/);
    expect(() => vocabFromTokenizerJson({ model: { type: 'WordPiece', vocab: { 'a\nb': 0 } } })).toThrow(/line break/);
  });

  describe.skipIf(!hasShared)('shared chnsenticorp tokenizer', () => {
    const model = join(shared, 'models/chnsenticorp');
    it('vocab.txt of its tokenizer.json is its vocab.txt as HF reads it, and gives the same tokenizer.json vocab', () => {
      const json = JSON.parse(readFileSync(join(model, 'tokenizer.json'), 'utf8')) as { model: { vocab: Record<string, number> } };
      const vocab = readFileSync(join(model, 'vocab.txt'), 'utf8');
      const back = vocabFromTokenizerJson(json);
      expect([...vocabMap(back)]).toEqual([...vocabMap(vocab)]);
      expect(back.split('\n').length).toBe(vocab.split('\n').length);
      expect((tokenizerJsonFromVocab(vocab).model as { vocab: unknown }).vocab).toEqual(json.model.vocab);
    });

    it('tokenizer.json made from vocab.txt encodes 2000 corpus lines and pairs as HF\'s file does', () => {
      const made = Tokenizer.fromJSON(tokenizerJsonFromVocab(readFileSync(join(model, 'vocab.txt'), 'utf8')));
      const hf = Tokenizer.fromFile(join(model, 'tokenizer.json'));
      const lines = readFileSync(join(shared, 'data/corpus/zh-reviews.txt'), 'utf8').split('\n').filter(Boolean).slice(0, 2000);
      let same = 0;
      lines.forEach((line, i) => {
        const pair = lines[(i + 1) % lines.length]!;
        const [a, b] = [made.encode(line, pair, { truncation: false }), hf.encode(line, pair, { truncation: false })];
        if (a.ids.join() === b.ids.join() && a.typeIds.join() === b.typeIds.join()) same++;
      });
      expect(same).toBe(lines.length);
    });
  });
});
