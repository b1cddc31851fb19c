#!/usr/bin/env node
import { isHeadroomError } from '@headroom/errors';
import { runCli } from './program';

runCli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    // Bad input or data is the user's to fix (exit 2); anything else is ours or the environment's (exit 1).
    if (isHeadroomError(err)) {
      console.error(`headroom: ${err.message}`);
      process.exit(['INVALID_INPUT', 'INVALID_SPEC', 'DATA'].includes(err.code) ? 2 : 1);
    }
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(1);
  },
);
