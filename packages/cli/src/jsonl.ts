// JSON lines in, in order, each parsed or turned into a per-line error; nothing read twice, nothing lost.
import { createReadStream, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { SampError, SampErrorCode } from '@samp/kernels-cuda';

/** A line of the input: its 1-based number and either the parsed value or why it could not be parsed. */
export type JsonLine = { line: number; value: unknown } | { line: number; error: string };

/** Lines of a JSONL file (`-`: standard input); a blank line is an error line too, so that every line gets
 * exactly one answer. */
export async function* readJsonLines(path: string): AsyncGenerator<JsonLine> {
  const input = path === '-' ? process.stdin : createReadStream(path, { encoding: 'utf8' });
  const rl = createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  for await (const text of rl) {
    line++;
    if (text.trim() === '') {
      yield { line, error: `line ${line} is empty` };
      continue;
    }
    try {
      yield { line, value: JSON.parse(text) as unknown };
    } catch (error) {
      yield { line, error: `line ${line} is not valid JSON: ${(error as Error).message}` };
    }
  }
}

/** Every record of a data file, each checked by `check`; the first bad line fails with its number. */
export async function readRecords<T>(path: string, what: string, check: (value: unknown) => T): Promise<T[]> {
  if (!existsSync(path)) throw new SampError(SampErrorCode.FileNotFound, `${what} file ${path} does not exist`);
  const out: T[] = [];
  for await (const l of readJsonLines(path)) {
    if ('error' in l) throw new SampError(SampErrorCode.InvalidArgument, `${path}: ${l.error}`);
    try {
      out.push(check(l.value));
    } catch (error) {
      throw new SampError(SampErrorCode.InvalidArgument, `${path}, line ${l.line}: ${(error as Error).message}`);
    }
  }
  return out;
}
