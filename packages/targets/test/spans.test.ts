// Tag decoding: BIO as the CLUENER evaluation defines it, and BIOES.
import { describe, expect, it } from 'vitest';
import { decodeTags, schemeOf } from '../src/index.js';

describe('decodeTags', () => {
  it('BIO: B-X starts, I-X continues; a stray I-X starts nothing; special tokens end an entity', () => {
    expect(decodeTags(['B-name', 'I-name', 'O', 'I-name', 'B-game', 'I-name', 'B-game', 'I-game', null, 'I-game'])).toEqual([
      { type: 'name', start: 0, end: 1 },
      { type: 'game', start: 4, end: 4 },
      { type: 'game', start: 6, end: 7 },
    ]);
  });

  it('BIOES: S-X is a single token, E-X ends an entity', () => {
    expect(decodeTags(['S-a', 'B-b', 'I-b', 'E-b', 'I-b', 'B-c', 'E-c'], 'bioes')).toEqual([
      { type: 'a', start: 0, end: 0 },
      { type: 'b', start: 1, end: 3 },
      { type: 'c', start: 5, end: 6 },
    ]);
    expect(schemeOf(['O', 'B-x', 'I-x', 'E-x', 'S-x'])).toBe('bioes');
    expect(schemeOf(['O', 'B-x', 'I-x'])).toBe('bio');
  });
});
