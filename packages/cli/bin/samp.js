#!/usr/bin/env node
// The samp command. Exit codes: 0 success, 1 failure, 2 usage error.
import { main } from '../dist/index.js';

process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
