import { setTimeout as sleep } from 'node:timers/promises';
import { HeadroomError } from '@headroom/errors';
import { isFinalTrialStatus } from '@headroom/sweep';
import { graphql, type ApiTarget } from '../graphql-client';
import { TRIAL_LOG } from '../queries';

export interface TrialLogsOptions {
  api: ApiTarget;
  /** Lines of the tail to print first (default 50; `--lines` as typed). */
  lines?: number | string;
  /** Go on printing what the program writes until the trial ends. */
  follow?: boolean;
  /** Between two reads while following. */
  pollMs?: number;
  write?: (text: string) => void;
}

/** A trial id is its sweep's id and its index: `sw0123456789-4`. */
function sweepOf(trialId: string): string {
  const m = /^(.+)-\d+$/.exec(trialId);
  if (!m)
    throw new HeadroomError(
      'INVALID_INPUT',
      `${trialId} is not a trial id; trial ids are SWEEP_ID-INDEX, e.g. sw0123456789-4 (headroom sweep show SWEEP_ID lists them)`,
    );
  return m[1]!;
}

/**
 * `headroom trials logs TRIAL_ID [--lines N] [--follow]`: a program trial's log (stdout and
 * stderr of every attempt). With --follow, what the program writes next, until the trial ends.
 */
export async function trialLogsCommand(trialId: string, opts: TrialLogsOptions): Promise<number> {
  const write = opts.write ?? ((text: string) => void process.stdout.write(text));
  const lines = Number(opts.lines ?? 50);
  if (!(Number.isInteger(lines) && lines >= 1 && lines <= 1000))
    throw new HeadroomError(
      'INVALID_INPUT',
      `--lines takes a whole number from 1 to 1000; got ${String(opts.lines)}`,
    );
  const sweepId = sweepOf(trialId);
  const read = async (after: number | null) => {
    const { sweep } = await graphql(opts.api, TRIAL_LOG, { sweepId, trialId, lines, after });
    const trial = sweep?.trialsByIds[0];
    if (!trial)
      throw new HeadroomError('NOT_FOUND', `no trial ${trialId}; headroom sweep show ${sweepId}`);
    return trial;
  };
  let trial = await read(null);
  let end = trial.logTail?.end ?? 0;
  if (trial.logTail) write(trial.logTail.text);
  else if (!opts.follow) {
    console.error(
      `trial ${trialId} has no log (${trial.status}): logs are kept for program trials once they start`,
    );
    return 1;
  }
  // Until the trial ends, then once more for what it wrote last.
  while (opts.follow) {
    const ended = isFinalTrialStatus(trial.status);
    if (!ended) await sleep(opts.pollMs ?? 1000);
    trial = await read(end);
    if (trial.logTail) {
      write(trial.logTail.text);
      end = trial.logTail.end;
    }
    if (ended && !trial.logTail?.text) break;
  }
  return 0;
}
