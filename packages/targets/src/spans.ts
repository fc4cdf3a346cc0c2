// Tag sequences to entity spans, for the BIO and BIOES schemes.

/** An entity over tokens [start, end] (inclusive) of one sequence. */
export interface TokenSpan {
  type: string;
  start: number;
  end: number;
}

/** Tagging schemes. `bio`: B-X starts an entity, I-X continues it; an I-X that follows neither B-X nor I-X
 * starts nothing (the CLUENER evaluation's rule). `bioes` adds E-X (last token) and S-X (single token). */
export type TagScheme = 'bio' | 'bioes';

function split(tag: string): [string, string] {
  const dash = tag.indexOf('-');
  return dash < 0 ? [tag, ''] : [tag.slice(0, dash), tag.slice(dash + 1)];
}

/** Decodes tags (null for tokens that carry none, such as special tokens) into spans. */
export function decodeTags(tags: readonly (string | null)[], scheme: TagScheme = 'bio'): TokenSpan[] {
  const spans: TokenSpan[] = [];
  let open: TokenSpan | null = null;
  const close = () => {
    if (open) spans.push(open);
    open = null;
  };
  tags.forEach((tag, i) => {
    if (tag === null) return close();
    const [prefix, type] = split(tag);
    if (prefix === 'B') {
      close();
      open = { type, start: i, end: i };
    } else if ((prefix === 'I' || prefix === 'E') && open && open.type === type && open.end === i - 1) {
      open.end = i;
      if (prefix === 'E' && scheme === 'bioes') close();
    } else if (prefix === 'S' && scheme === 'bioes') {
      close();
      spans.push({ type, start: i, end: i });
    } else {
      close();
    }
  });
  close();
  return spans;
}

/** The scheme a label set uses: `bioes` when it has E- or S- labels. */
export function schemeOf(labels: readonly string[]): TagScheme {
  return labels.some((l) => l.startsWith('E-') || l.startsWith('S-')) ? 'bioes' : 'bio';
}
