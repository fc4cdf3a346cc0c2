// samp tokenize: JSON lines of texts (or text pairs) to ids, tokens, type ids and offsets, with the model's
// tokenizer; a bad line gives an error record and the run goes on.
import { createWriteStream, existsSync } from 'node:fs';
import { once } from 'node:events';
import { SampError, SampErrorCode } from '@samp/kernels-cuda';
import { toBatchInput, tokenizerForModel } from '@samp/targets';
import { errorInfo } from './error-info.js';
import { readJsonLines } from './jsonl.js';

export interface TokenizeArgs {
  model: string;
  input: string;
  output: string;
  maxLength?: number;
  granularity?: 'wordpiece' | 'char' | 'word';
}

export async function tokenizeCommand(args: TokenizeArgs): Promise<{ lines: number; errors: number }> {
  if (!existsSync(args.model)) throw new SampError(SampErrorCode.FileNotFound, `Model directory ${args.model} does not exist`);
  if (args.input !== '-' && !existsSync(args.input)) throw new SampError(SampErrorCode.FileNotFound, `Input file ${args.input} does not exist`);
  const tk = tokenizerForModel(args.model, { granularity: args.granularity });
  const toStdout = args.output === '-';
  const out = toStdout ? process.stdout : createWriteStream(args.output, { encoding: 'utf8' });
  const summary = { lines: 0, errors: 0 };
  for await (const item of readJsonLines(args.input)) {
    summary.lines++;
    let line: string;
    if ('error' in item) {
      summary.errors++;
      line = JSON.stringify({ line: item.line, error: { code: SampErrorCode.InvalidArgument, message: item.error } });
    } else {
      try {
        const o = item.value as Record<string, unknown>;
        const input = toBatchInput(typeof o?.text_a === 'string' ? 'match' : 'classify', item.value);
        const e = typeof input === 'string' ? tk.encode(input, null, { maxLength: args.maxLength }) : tk.encode(input[0], input[1], { maxLength: args.maxLength });
        line = JSON.stringify({ ids: Array.from(e.ids), tokens: e.tokens, type_ids: Array.from(e.typeIds), offsets: e.offsets });
      } catch (error) {
        summary.errors++;
        line = JSON.stringify({ line: item.line, error: errorInfo(error) });
      }
    }
    if (!out.write(`${line}\n`)) await once(out, 'drain');
  }
  if (!toStdout) {
    out.end();
    await once(out, 'close');
  }
  return summary;
}
