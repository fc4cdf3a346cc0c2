// samp (the CLI package): the command's entry, usable programmatically too.
export { main, type Io } from './main.js';
export { type RunArgs, parseRunArgs, USAGE } from './args.js';
export { type RunSummary, runCommand } from './run-command.js';
export { resultRecord } from './result-record.js';
export { type ErrorInfo, errorInfo } from './error-info.js';
export { infoCommand } from './info-command.js';
export { type TokenizeArgs, tokenizeCommand } from './tokenize-command.js';
export { type QuantizeArgs, parseQuantizeArgs, type BenchArgs, parseBenchArgs } from './args.js';
export { quantizeCommand } from './quantize-command.js';
export { BERT_BASE, type BenchResult, benchCommand } from './bench-command.js';
export { convertCommand, convertSummary } from './convert-command.js';
export { type ConvertArgs, parseConvertArgs } from './convert-args.js';
