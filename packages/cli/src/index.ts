// samp (the CLI package): the command's entry, usable programmatically too.
export { main, type Io } from './main.js';
export { type RunArgs, parseRunArgs, USAGE } from './args.js';
export { type RunSummary, runCommand } from './run-command.js';
export { resultRecord } from './result-record.js';
export { type ErrorInfo, errorInfo } from './error-info.js';
export { infoCommand } from './info-command.js';
export { type TokenizeArgs, tokenizeCommand } from './tokenize-command.js';
