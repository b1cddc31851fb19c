#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { isHeadroomError } from '@headroom/errors';
import { runDemo } from './commands/demo';
import { runEval } from './commands/eval';

const USAGE = `usage: headroom <command>

  demo [--verbose]                              run a 4-trial sweep on an embedded stack and print the leaderboard
  eval pose3d --gt GT.json --pred PRED.json [--json]
                                                MPJPE / P-MPJPE (mm) of predicted 3D poses, arrays [N][17][3]
`;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      gt: { type: 'string' },
      pred: { type: 'string' },
      json: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    process.stdout.write(USAGE);
    return command || values.help ? 0 : 2;
  }
  switch (command) {
    case 'demo':
      return runDemo({ verbose: values.verbose });
    case 'eval':
      return runEval(rest[0], values);
    default:
      process.stderr.write(`headroom: unknown command ${command}\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    // Bad input is the user's to fix (exit 2); anything else is ours (exit 1).
    if (isHeadroomError(err)) {
      console.error(`headroom: ${err.message}`);
      process.exit(err.code === 'INVALID_INPUT' || err.code === 'INVALID_SPEC' ? 2 : 1);
    }
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(1);
  },
);
