// A code-point trie in typed arrays only (no JS objects per node), so it costs the garbage collector nothing.

/** Nodes with a direct BMP table instead of an edge list: the root and one more (WordPiece's `##` node). */
const DIRECT = 0x10000;

/** Read-only trie: node 0 is the root; `tokenOf[node]` is the token id ending there, or -1. */
export class FlatTrie {
  readonly tokenOf: Int32Array;
  private readonly rootBmp: Int32Array;
  private readonly hubNode: number;
  private readonly hubBmp: Int32Array;
  private readonly edgeStart: Int32Array;
  private readonly edgeCp: Int32Array;
  private readonly edgeChild: Int32Array;

  /** Builds the trie of `entries`; `hub` is a path whose end node gets a direct table too. */
  constructor(entries: Iterable<readonly [string, number]>, hub: string) {
    const children: Map<number, number>[] = [new Map()];
    const tokenOf: number[] = [-1];
    const walk = (text: string, create: boolean): number => {
      let node = 0;
      for (const ch of text) {
        const cp = ch.codePointAt(0)!;
        let next = children[node]!.get(cp);
        if (next === undefined) {
          if (!create) return -1;
          next = children.length;
          children.push(new Map());
          tokenOf.push(-1);
          children[node]!.set(cp, next);
        }
        node = next;
      }
      return node;
    };
    for (const [token, id] of entries) tokenOf[walk(token, true)] = id;
    this.hubNode = walk(hub, true);
    this.tokenOf = Int32Array.from(tokenOf);
    this.rootBmp = new Int32Array(DIRECT).fill(-1);
    this.hubBmp = new Int32Array(DIRECT).fill(-1);
    let edges = 0;
    for (const m of children) edges += m.size;
    this.edgeStart = new Int32Array(children.length + 1);
    this.edgeCp = new Int32Array(edges);
    this.edgeChild = new Int32Array(edges);
    let at = 0;
    children.forEach((m, node) => {
      this.edgeStart[node] = at;
      for (const [cp, child] of [...m].sort((a, b) => a[0] - b[0])) {
        this.edgeCp[at] = cp;
        this.edgeChild[at++] = child;
        if (cp < DIRECT && node === 0) this.rootBmp[cp] = child;
        if (cp < DIRECT && node === this.hubNode) this.hubBmp[cp] = child;
      }
    });
    this.edgeStart[children.length] = at;
  }

  /** The node reached by `hub` (WordPiece's continuation prefix). */
  get hub(): number {
    return this.hubNode;
  }

  /** Child of `node` along `cp`, or -1. */
  child(node: number, cp: number): number {
    if (cp < DIRECT) {
      if (node === 0) return this.rootBmp[cp]!;
      if (node === this.hubNode) return this.hubBmp[cp]!;
    }
    let lo = this.edgeStart[node]!;
    let hi = this.edgeStart[node + 1]! - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const c = this.edgeCp[mid]!;
      if (c === cp) return this.edgeChild[mid]!;
      if (c < cp) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }
}
