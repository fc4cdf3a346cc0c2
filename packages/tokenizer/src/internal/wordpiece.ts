// WordPiece over a code-point trie: greedy longest-match-first, as HF's WordPiece model does it.
import { KIND_ISOLATED, KIND_SPACE, KIND_WORD, type NormalizedBuffer } from './normalized-buffer.js';
import type { TokenRun } from './token-run.js';
import { FlatTrie } from './trie.js';

/** A vocabulary compiled into a trie whose continuation pieces hang under the `##` path. */
export class WordPieceModel {
  readonly unkId: number;
  readonly maxInputCharsPerWord: number;
  private readonly trie: FlatTrie;

  constructor(vocab: ReadonlyMap<string, number>, unkId: number, prefix: string, maxInputCharsPerWord: number) {
    this.unkId = unkId;
    this.maxInputCharsPerWord = maxInputCharsPerWord;
    this.trie = new FlatTrie(vocab, prefix);
  }

  /** Id of the one-character word `cp`, or the unknown id. */
  single(cp: number): number {
    const node = this.trie.child(0, cp);
    const id = node >= 0 ? this.trie.tokenOf[node]! : -1;
    return id >= 0 ? id : this.unkId;
  }

  /** Tokenizes the word buf[from, to) into `out`. */
  word(buf: NormalizedBuffer, from: number, to: number, out: TokenRun): void {
    const cps = buf.cp;
    if (to - from > this.maxInputCharsPerWord) {
      out.push(this.unkId, buf.start[from]!, buf.end[to - 1]!);
      return;
    }
    const mark = out.length;
    let pos = from;
    while (pos < to) {
      let node = pos === from ? 0 : this.trie.hub;
      let bestEnd = -1;
      let bestId = -1;
      for (let i = pos; i < to; i++) {
        node = this.trie.child(node, cps[i]!);
        if (node < 0) break;
        const id = this.trie.tokenOf[node]!;
        if (id >= 0) {
          bestEnd = i + 1;
          bestId = id;
        }
      }
      if (bestId < 0) {
        out.length = mark; // one unknown piece makes the whole word unknown
        out.push(this.unkId, buf.start[from]!, buf.end[to - 1]!);
        return;
      }
      out.push(bestId, buf.start[pos]!, buf.end[bestEnd - 1]!, pos === from ? 1 : 0);
      pos = bestEnd;
    }
  }

  /** Pass two: splits the normalized buffer into words and tokenizes each. */
  tokenize(buf: NormalizedBuffer, out: TokenRun): void {
    const kinds = buf.kind;
    const n = buf.length;
    let i = 0;
    while (i < n) {
      const kind = kinds[i]!;
      if (kind === KIND_SPACE) {
        i++;
      } else if (kind === KIND_ISOLATED) {
        out.push(this.single(buf.cp[i]!), buf.start[i]!, buf.end[i]!);
        i++;
      } else {
        let j = i + 1;
        while (j < n && kinds[j] === KIND_WORD) j++;
        if (j === i + 1) out.push(this.single(buf.cp[i]!), buf.start[i]!, buf.end[i]!);
        else this.word(buf, i, j, out);
        i = j;
      }
    }
  }
}
