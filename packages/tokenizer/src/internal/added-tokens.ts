// Finds added (special) tokens in raw text, leftmost-longest, as HF's AddedVocabulary splits before normalizing.
import type { AddedToken } from '../config.js';
import { isPreTokenizerSpace } from './char-classes.js';

/** A match of an added token: its id and the span it covers (after lstrip / rstrip). */
export interface AddedMatch {
  id: number;
  start: number;
  end: number;
}

const WORD_CHAR = /[\p{L}\p{N}_]/u;

function isSpaceUnit(text: string, i: number): boolean {
  return isPreTokenizerSpace(text.charCodeAt(i));
}

/** Matcher over a fixed set of added tokens. */
export class AddedTokenMatcher {
  private readonly byFirstUnit = new Map<number, AddedToken[]>();
  private readonly firstChars: string[];

  constructor(tokens: readonly AddedToken[]) {
    for (const token of tokens) {
      const unit = token.content.charCodeAt(0);
      const list = this.byFirstUnit.get(unit) ?? [];
      list.push(token);
      this.byFirstUnit.set(unit, list);
    }
    for (const list of this.byFirstUnit.values()) list.sort((a, b) => b.content.length - a.content.length);
    this.firstChars = [...this.byFirstUnit.keys()].map((u) => String.fromCharCode(u));
  }

  get empty(): boolean {
    return this.firstChars.length === 0;
  }

  /**
   * The next match at or after `from` in text[.., to), or null. `floor` is where the text not yet consumed
   * starts: lstrip never reaches before it.
   */
  next(text: string, from: number, to: number, floor: number): AddedMatch | null {
    let pos = from;
    while (pos < to) {
      let candidate = -1;
      for (const ch of this.firstChars) {
        const at = text.indexOf(ch, pos);
        if (at >= 0 && at < to && (candidate < 0 || at < candidate)) candidate = at;
      }
      if (candidate < 0) return null;
      const match = this.matchAt(text, candidate, to, floor);
      if (match) return match;
      pos = candidate + 1;
    }
    return null;
  }

  private matchAt(text: string, at: number, to: number, floor: number): AddedMatch | null {
    const list = this.byFirstUnit.get(text.charCodeAt(at));
    if (!list) return null;
    for (const token of list) {
      const end = at + token.content.length;
      if (end > to || !text.startsWith(token.content, at)) continue;
      if (token.singleWord) {
        const before = at > 0 ? text[at - 1]! : '';
        const after = end < text.length ? text[end]! : '';
        if (WORD_CHAR.test(before) || WORD_CHAR.test(after)) continue;
      }
      let start = at;
      let stop = end;
      if (token.lstrip) while (start > floor && isSpaceUnit(text, start - 1)) start--;
      if (token.rstrip) while (stop < to && isSpaceUnit(text, stop)) stop++;
      return { id: token.id, start, end: stop };
    }
    return null;
  }
}
