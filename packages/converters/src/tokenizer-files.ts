// vocab.txt <-> tokenizer.json for BERT WordPiece tokenizers: a tokenizer.json as HF's BertTokenizerFast writes it
// from a vocab.txt, and the vocab.txt (one token per line, the id is the line) of a WordPiece tokenizer.json.
import { SampError, SampErrorCode } from '@samp/kernels-cuda';

export interface BertTokenizerOptions {
  /** Lower-case the text (default true). */
  lowercase?: boolean;
  unkToken?: string;
  clsToken?: string;
  sepToken?: string;
  padToken?: string;
  maskToken?: string;
}

function tokenizerError(why: string): SampError {
  return new SampError(SampErrorCode.ModelFormat, why);
}

/** vocab.txt as HF tokenizers' WordPiece reads it: line i is id i with its trailing whitespace trimmed (so a
 * "\u2028" line becomes ""), and a token listed twice keeps its last id. */
export function vocabMap(text: string): Map<string, number> {
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) throw tokenizerError('vocab.txt is empty');
  const vocab = new Map<string, number>();
  lines.forEach((line, id) => vocab.set(line.trimEnd(), id));
  return vocab;
}

/** A BERT WordPiece tokenizer.json (as transformers' BertTokenizerFast saves it) for a vocab.txt. */
export function tokenizerJsonFromVocab(vocabText: string, options: BertTokenizerOptions = {}): Record<string, unknown> {
  const id = vocabMap(vocabText);
  const special = {
    pad: options.padToken ?? '[PAD]', unk: options.unkToken ?? '[UNK]', cls: options.clsToken ?? '[CLS]',
    sep: options.sepToken ?? '[SEP]', mask: options.maskToken ?? '[MASK]',
  };
  for (const [role, t] of Object.entries(special)) {
    if (role !== 'pad' && role !== 'mask' && !id.has(t)) throw tokenizerError(`vocab.txt has no ${role} token ${JSON.stringify(t)}`);
  }
  const added = Object.values(special)
    .filter((t) => id.has(t))
    .map((t) => ({ id: id.get(t)!, content: t, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }))
    .sort((a, b) => a.id - b.id);
  const lowercase = options.lowercase ?? true;
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: { type: 'BertProcessing', sep: [special.sep, id.get(special.sep)], cls: [special.cls, id.get(special.cls)] },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece', unk_token: special.unk, continuing_subword_prefix: '##', max_input_chars_per_word: 100,
      vocab: Object.fromEntries([...id].sort((a, b) => a[1] - b[1])),
    },
  };
}

/** The vocab.txt text of a WordPiece tokenizer.json (ids must run 0..n-1 without gaps). */
export function vocabFromTokenizerJson(json: unknown): string {
  const model = (json as { model?: { type?: unknown; vocab?: unknown } } | null)?.model;
  if (!model || model.type !== 'WordPiece' || typeof model.vocab !== 'object' || model.vocab === null || Array.isArray(model.vocab)) {
    throw tokenizerError('tokenizer.json has no WordPiece model with a vocab; only BERT WordPiece tokenizers have a vocab.txt');
  }
  const entries = Object.entries(model.vocab as Record<string, unknown>);
  const tokens = new Array<string | undefined>(entries.length);
  for (const [t, i] of entries) {
    if (typeof i !== 'number' || !Number.isInteger(i) || i < 0 || i >= entries.length) throw tokenizerError(`tokenizer.json gives ${JSON.stringify(t)} the id ${JSON.stringify(i)}, outside 0..${entries.length - 1}`);
    if (tokens[i] !== undefined) throw tokenizerError(`tokenizer.json gives id ${i} to both ${JSON.stringify(tokens[i])} and ${JSON.stringify(t)}`);
    if (/[\r\n]/.test(t)) throw tokenizerError(`tokenizer.json has a token with a line break (${JSON.stringify(t)}), which vocab.txt cannot hold`);
    tokens[i] = t;
  }
  return `${tokens.join('\n')}\n`;
}
