// HF's WordPiece decoder: pieces joined with spaces, continuation prefixes glued, English clean-up.

const CLEANUPS: readonly (readonly [string, string])[] = [
  [' .', '.'],
  [' ?', '?'],
  [' !', '!'],
  [' ,', ','],
  [" ' ", "'"],
  [" n't", "n't"],
  [" 'm", "'m"],
  [' do not', " don't"],
  [" 's", "'s"],
  [" 've", "'ve"],
  [" 're", "'re"],
];

function cleanup(token: string): string {
  let out = token;
  for (const [from, to] of CLEANUPS) if (out.includes(from)) out = out.split(from).join(to);
  return out;
}

/** Joins vocabulary tokens into text the way HF's `decoders.WordPiece` does. */
export function decodeTokens(tokens: readonly string[], decoder: { prefix: string; cleanup: boolean }): string {
  let text = '';
  tokens.forEach((token, i) => {
    let piece = token;
    if (i !== 0) piece = piece.startsWith(decoder.prefix) ? piece.slice(decoder.prefix.length) : ` ${piece}`;
    text += decoder.cleanup ? cleanup(piece) : piece;
  });
  return text;
}
