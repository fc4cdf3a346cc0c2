// Runs the samp command in-process with its output captured; where the shared models and data are.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { main } from '../src/index.js';

export const shared = process.env.SAMP_SHARED ?? resolve(import.meta.dirname, '../../../../shared');
export const hasShared = existsSync(join(shared, 'models'));

function sink() {
  const chunks: string[] = [];
  const stream = new Writable({
    write: (c, _e, cb) => {
      chunks.push(String(c));
      cb();
    },
  });
  return { stream, text: () => chunks.join('') };
}

/** `samp ...args`: its exit code and what it wrote. */
export async function samp(args: string[]) {
  const out = sink(), err = sink();
  const code = await main(args, { stdout: out.stream, stderr: err.stream });
  return { code, stdout: out.text(), stderr: err.text() };
}
