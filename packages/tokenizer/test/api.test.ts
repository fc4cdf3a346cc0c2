// Public API behaviour: loading, errors with stable codes, options, offsets, granularities.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SampError, Tokenizer } from '../src/index.js';
import { sharedPath } from './shared.js';

const jsonPath = sharedPath('models/chnsenticorp/tokenizer.json');
const tk = Tokenizer.fromFile(jsonPath);
const tmp = mkdtempSync(join(tmpdir(), 'samp-tok-'));

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SampError);
    return (error as SampError).code;
  }
  return undefined;
}

const SMALL_VOCAB = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', '中国', '中', '国', '人', 'hello', '##s', 'world'].join('\n');

describe('loading', () => {
  it('reads tokenizer.json and vocab.txt from files, detected by content', () => {
    const fromVocab = Tokenizer.fromFile(sharedPath('models/chnsenticorp/vocab.txt'));
    expect(Array.from(fromVocab.encode('今天天气很好').ids)).toEqual(Array.from(tk.encode('今天天气很好').ids));
    expect(tk.vocabSize).toBe(21128);
    expect(tk.tokenToId('[CLS]')).toBe(101);
    expect(tk.idToToken(102)).toBe('[SEP]');
  });

  it('gives stable codes for files that are missing, malformed or unsupported', () => {
    expect(codeOf(() => Tokenizer.fromFile(join(tmp, 'nope.json')))).toBe('SAMP_FILE_NOT_FOUND');
    expect(codeOf(() => Tokenizer.fromFile(tmp))).toBe('SAMP_INVALID_ARGUMENT');
    const bad = join(tmp, 'bad.json');
    writeFileSync(bad, '{"model": ');
    expect(codeOf(() => Tokenizer.fromFile(bad))).toBe('SAMP_TOKENIZER_FORMAT');
    expect(codeOf(() => Tokenizer.fromJSON({ pre_tokenizer: { type: 'BertPreTokenizer' }, model: { type: 'BPE', vocab: {} } }))).toBe(
      'SAMP_UNSUPPORTED_TOKENIZER',
    );
    expect(codeOf(() => Tokenizer.fromJSON({ pre_tokenizer: { type: 'BertPreTokenizer' }, model: { vocab: { a: -1 } } }))).toBe(
      'SAMP_TOKENIZER_FORMAT',
    );
    expect(codeOf(() => Tokenizer.fromJSON({ pre_tokenizer: { type: 'BertPreTokenizer' }, model: { vocab: { a: 0 } } }))).toBe(
      'SAMP_TOKENIZER_FORMAT',
    );
    expect(codeOf(() => Tokenizer.fromVocab('a\nb\n'))).toBe('SAMP_TOKENIZER_FORMAT');
  });

  it('names what was wrong in the message', () => {
    expect(() => Tokenizer.fromJSON({ pre_tokenizer: { type: 'Whitespace' }, model: {} })).toThrow(/pre_tokenizer of type "Whitespace"/);
    expect(() => Tokenizer.fromJSON({ pre_tokenizer: { type: 'BertPreTokenizer' }, model: { vocab: { x: 0 } } })).toThrow(
      /model\.unk_token/,
    );
  });

  it('works through require() too', () => {
    const require = createRequire(import.meta.url);
    const cjs = require('../dist/index.cjs') as typeof import('../src/index.js');
    const cjsTokenizer = cjs.Tokenizer.fromFile(jsonPath);
    expect(Array.from(cjsTokenizer.encode('好').ids)).toEqual([101, 1962, 102]);
  });

  it('runs a pool from the CommonJS build', async () => {
    const require = createRequire(import.meta.url);
    const cjs = require('../dist/index.cjs') as typeof import('../src/index.js');
    const pool = new cjs.TokenizerPool(cjs.Tokenizer.fromFile(jsonPath), { threads: 1 });
    const batch = await pool.encodeBatch(['好', '很好']);
    expect(Array.from(batch.ids)).toEqual([101, 1962, 102, 0, 101, 2523, 1962, 102]);
    await pool.close();
  });
});

describe('encoding', () => {
  it('rejects non-string input and bad options with SAMP_INVALID_ARGUMENT', () => {
    expect(codeOf(() => tk.encode(42 as unknown as string))).toBe('SAMP_INVALID_ARGUMENT');
    expect(codeOf(() => tk.encode('a', 7 as unknown as string))).toBe('SAMP_INVALID_ARGUMENT');
    expect(codeOf(() => tk.encode('a', null, { maxLength: 1.5 }))).toBe('SAMP_INVALID_ARGUMENT');
    expect(codeOf(() => tk.encode('a', 'b', { maxLength: 2 }))).toBe('SAMP_INVALID_ARGUMENT');
    expect(tk.encode('a', null, { maxLength: 2 }).tokens).toEqual(['[CLS]', '[SEP]']);
    expect(codeOf(() => tk.encode('a', null, { granularity: 'bpe' as 'char' }))).toBe('SAMP_INVALID_ARGUMENT');
    expect(codeOf(() => tk.encodeBatch(['a', 3 as unknown as string]))).toBe('SAMP_INVALID_ARGUMENT');
    expect(codeOf(() => tk.decode([1, 99999]))).toBe('SAMP_INVALID_ARGUMENT');
    expect(() => tk.encode('a', null, { maxLength: 0 })).toThrow('Expected positive integer for maxLength but received 0 of type number');
  });

  it('applies the file truncation (128) by default and lets callers change or turn it off', () => {
    const long = '好'.repeat(500);
    expect(tk.encode(long).length).toBe(128);
    expect(tk.encode(long, null, { maxLength: 16 }).length).toBe(16);
    expect(tk.encode(long, null, { truncation: false }).length).toBe(502);
    const left = tk.encode('一二三四五六', null, { maxLength: 4, truncationSide: 'left' });
    expect(left.tokens).toEqual(['[CLS]', '五', '六', '[SEP]']);
  });

  it('gives offsets that slice the original text, pair offsets into the pair', () => {
    const a = 'Héllo, 世界! naïve';
    const b = 'Ｗｏｒｌｄ 😀 end';
    const e = tk.encode(a, b);
    e.offsets.forEach(([s, t], i) => {
      if (e.specialTokensMask[i]) return expect([s, t]).toEqual([0, 0]);
      const text = e.sequenceIds[i] === 0 ? a : b;
      expect(t).toBeGreaterThan(s);
      expect(t).toBeLessThanOrEqual(text.length);
    });
    expect(e.tokens.slice(0, 4)).toEqual(['[CLS]', 'hello', ',', '世']);
    expect(a.slice(...e.offsets[1]!)).toBe('Héllo');
  });

  it('keeps special tokens in the text whole', () => {
    expect(tk.encode('好[SEP]好').tokens).toEqual(['[CLS]', '好', '[SEP]', '好', '[SEP]']);
    expect(tk.encode('[sep]').tokens).toEqual(['[CLS]', '[', 'sep', ']', '[SEP]']);
  });

  it('pads a single encoding when asked', () => {
    const e = tk.encode('好', null, { padding: { length: 8, side: 'left' } });
    expect(Array.from(e.ids)).toEqual([0, 0, 0, 0, 0, 101, 1962, 102]);
    expect(Array.from(e.attentionMask)).toEqual([0, 0, 0, 0, 0, 1, 1, 1]);
    expect(tk.encode('好', null, { padding: { multipleOf: 4 } }).length).toBe(4);
  });

  it('pads a batch into [batch x seqLen] matrices', () => {
    const b = tk.encodeBatch(['好', ['你好', '再见'], '']);
    expect(b.batchSize).toBe(3);
    expect(b.seqLen).toBe(7);
    expect(Array.from(b.lengths)).toEqual([3, 7, 2]);
    expect(Array.from(b.ids.subarray(0, 7))).toEqual([101, 1962, 102, 0, 0, 0, 0]);
    expect(Array.from(b.typeIds.subarray(7, 14))).toEqual([0, 0, 0, 0, 1, 1, 1]);
    expect(tk.encodeBatch([]).ids.length).toBe(0);
  });
});

describe('granularities', () => {
  it('char: every character is a word', () => {
    expect(tk.encode('2012年hello', null, { granularity: 'char' }).tokens).toEqual([
      '[CLS]', '2', '0', '1', '2', '年', 'h', 'e', 'l', 'l', 'o', '[SEP]',
    ]);
    expect(tk.encode('2012年', null).tokens).toEqual(['[CLS]', '2012', '年', '[SEP]']);
  });

  it('word: dictionary words found in the vocabulary stay whole', () => {
    const small = Tokenizer.fromVocab(SMALL_VOCAB, { wordDictionary: ['中国'] });
    expect(small.encode('中国人 hellos', null, { granularity: 'word' }).tokens).toEqual(['[CLS]', '中国', '人', 'hello', '##s', '[SEP]']);
    expect(small.encode('中国人', null, { granularity: 'wordpiece' }).tokens).toEqual(['[CLS]', '中', '国', '人', '[SEP]']);
    const e = small.encode('x中国', null, { granularity: 'word' });
    expect(e.offsets[2]).toEqual([1, 3]);
  });

  it('word: a custom segmenter (such as jieba) is used as given, and checked', () => {
    const segmented = Tokenizer.fromVocab(SMALL_VOCAB, { wordSegmenter: (t) => (t === '中国人' ? ['中国', '人'] : [t]), granularity: 'word' });
    expect(segmented.encode('中国人').tokens).toEqual(['[CLS]', '中国', '人', '[SEP]']);
    const liar = Tokenizer.fromVocab(SMALL_VOCAB, { wordSegmenter: () => ['不在'], granularity: 'word' });
    expect(codeOf(() => liar.encode('中国人'))).toBe('SAMP_INVALID_ARGUMENT');
  });
});
