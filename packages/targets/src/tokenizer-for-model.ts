// The tokenizer that belongs to a model directory: tokenizer.json, else vocab.txt with tokenizer_config.json.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SampError, SampErrorCode } from '@samp/kernels-cuda';
import { type Granularity, Tokenizer } from '@samp/tokenizer';

/** Loads the model's tokenizer; throws SAMP_FILE_NOT_FOUND when the directory has neither file. */
export function tokenizerForModel(dir: string, options: { granularity?: Granularity } = {}): Tokenizer {
  const json = join(dir, 'tokenizer.json');
  if (existsSync(json)) return Tokenizer.fromFile(json, options);
  const vocab = join(dir, 'vocab.txt');
  if (existsSync(vocab)) {
    let lowercase = true;
    const cfg = join(dir, 'tokenizer_config.json');
    if (existsSync(cfg)) {
      const parsed = JSON.parse(readFileSync(cfg, 'utf8')) as { do_lower_case?: unknown };
      if (typeof parsed.do_lower_case === 'boolean') lowercase = parsed.do_lower_case;
    }
    return Tokenizer.fromFile(vocab, { lowercase, ...options });
  }
  throw new SampError(SampErrorCode.FileNotFound, `Expected tokenizer.json or vocab.txt in ${dir} (the model's tokenizer)`);
}
