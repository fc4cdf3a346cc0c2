// Entry of the samp command: dispatches subcommands, maps errors to exit codes (0 done, 1 failure, 2 usage,
// 3 done but some input lines failed, 4 no plan meets the requirement of samp recommend).
import { SampError } from '@samp/kernels-cuda';
import { USAGE, UsageError, parseBenchArgs, parseModelArgs, parseQuantizeArgs, parseRunArgs } from './args.js';
import { benchCommand } from './bench-command.js';
import { parseConvertArgs } from './convert-args.js';
import { convertCommand, convertSummary } from './convert-command.js';
import { infoCommand } from './info-command.js';
import { quantizeCommand } from './quantize-command.js';
import { parseRecommendArgs } from './recommend-args.js';
import { recommendCommand } from './recommend-command.js';
import { runCommand } from './run-command.js';
import { tokenizeCommand } from './tokenize-command.js';

export interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

export async function main(argv: string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'run') {
      const summary = await runCommand(parseRunArgs(rest), io.stderr);
      io.stderr.write(`samp run: ${summary.lines} lines, ${summary.errors} with errors\n`);
      return summary.errors > 0 ? 3 : 0;
    }
    if (command === 'quantize') {
      await quantizeCommand(parseQuantizeArgs(rest), io.stderr);
      return 0;
    }
    if (command === 'recommend') {
      const { summary } = await recommendCommand(parseRecommendArgs(rest), io.stderr);
      io.stdout.write(`${JSON.stringify(summary)}\n`);
      return summary.met ? 0 : 4;
    }
    if (command === 'convert') {
      const r = convertCommand(parseConvertArgs(rest), io.stderr);
      io.stdout.write(`${JSON.stringify(convertSummary(r))}\n`);
      return 0;
    }
    if (command === 'bench') {
      const args = parseBenchArgs(rest);
      const r = await benchCommand(args);
      if (!args.json) {
        io.stdout.write(`samp bench: ${r.model} on ${r.device}, ${r.plan}${r.dtype8 ? ` (${r.dtype8})` : ''}, batch ${r.batch} x seq ${r.seq}: median ${r.median_ms.toFixed(3)} ms (p10 ${r.p10_ms.toFixed(3)}, p90 ${r.p90_ms.toFixed(3)}), ${r.sequences_per_s.toFixed(1)} sequences/s\n`);
      }
      io.stdout.write(`${JSON.stringify(r)}\n`);
      return 0;
    }
    if (command === 'info') {
      io.stdout.write(`${JSON.stringify(infoCommand(parseModelArgs(rest, false).model), null, 2)}\n`);
      return 0;
    }
    if (command === 'tokenize') {
      const summary = await tokenizeCommand(parseModelArgs(rest, true));
      return summary.errors > 0 ? 3 : 0;
    }
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      io.stdout.write(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    }
    throw new UsageError(`Unknown command "${command}"`);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`samp: ${error.message}\n\n${USAGE}\n`);
      return 2;
    }
    if (error instanceof SampError) {
      io.stderr.write(`samp: ${error.code}: ${error.message}\n`);
      return 1;
    }
    io.stderr.write(`samp: ${(error as Error)?.stack ?? String(error)}\n`);
    return 1;
  }
}
