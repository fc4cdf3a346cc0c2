#!/usr/bin/env node
// The samp command. Exit codes: 0 success, 1 failure, 2 usage error, 3 some input lines failed, 4 no plan meets
// the requirement (samp recommend).
import { main } from '../dist/index.js';

// A reader that stops early (`samp ... | head -1`) ends the command quietly instead of with an EPIPE trace.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
