import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { HeadroomError } from '@headroom/errors';
import type { ProgramRun } from '@headroom/sweep/temporal';

/** The train worker's variable naming the directories programs may run from. */
export const PROGRAM_ROOTS_VAR = 'HEADROOM_PROGRAM_ROOTS';

/**
 * `HEADROOM_PROGRAM_ROOTS` as a list: colon-separated absolute paths. Unset or empty: undefined
 * (the worker runs no program). A relative entry is a CONFIG error naming it.
 */
export function parseProgramRoots(value: string | undefined): string[] | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const roots = value.split(':').filter((r) => r !== '');
  const relativeOnes = roots.filter((r) => !isAbsolute(r));
  if (relativeOnes.length > 0)
    throw new HeadroomError(
      'CONFIG',
      `${PROGRAM_ROOTS_VAR} takes absolute paths separated by ':'; ${relativeOnes.join(', ')} is relative`,
    );
  return roots;
}

export interface ProgramPaths {
  /** The directory the program runs in, resolved (symlinks followed). */
  workdir: string;
  /** The program's file, resolved. */
  program: string;
}

/**
 * Where a program trial may run: its workdir (the spec's, relative to the worker's working
 * directory; default that directory) and its program (relative to the workdir) resolved with
 * symlinks followed, each inside one of the worker's roots. A path sent through the API is never
 * run as it came: what runs is what the worker's operator allowed. Errors are CONFIG (the worker's
 * setting) or INVALID_SPEC (the sweep's paths), both permanent.
 */
export async function resolveProgramPaths(
  run: ProgramRun,
  roots: readonly string[] | undefined,
  cwd: string,
): Promise<ProgramPaths> {
  if (roots === undefined)
    throw new HeadroomError(
      'CONFIG',
      `this train worker runs no programs: set ${PROGRAM_ROOTS_VAR} to the directories programs may run from (absolute paths separated by ':', e.g. ${PROGRAM_ROOTS_VAR}=/home/lab/experiments) and restart it`,
    );
  const real = await Promise.all(
    roots.map((root) =>
      realpath(root).catch(() => {
        throw new HeadroomError(
          'CONFIG',
          `${PROGRAM_ROOTS_VAR} names ${root}, which does not exist on this worker`,
        );
      }),
    ),
  );
  const inside = (path: string) =>
    real.some((root) => {
      const rel = relative(root, path);
      return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
    });
  const allowed = `${PROGRAM_ROOTS_VAR}=${roots.join(':')}`;

  const wanted = resolve(cwd, run.workdir ?? '.');
  const workdir = await realpath(wanted).catch(() => {
    throw HeadroomError.invalid('INVALID_SPEC', 'sweep spec', [
      { path: 'workdir', message: `${wanted} does not exist on this worker` },
    ]);
  });
  if (!(await stat(workdir)).isDirectory())
    throw HeadroomError.invalid('INVALID_SPEC', 'sweep spec', [
      { path: 'workdir', message: `${wanted} is not a directory` },
    ]);
  if (!inside(workdir))
    throw HeadroomError.invalid('INVALID_SPEC', 'sweep spec', [
      {
        path: 'workdir',
        message: `${workdir} is outside the directories this worker runs programs from (${allowed})`,
      },
    ]);

  const programWanted = resolve(workdir, run.program);
  const program = await realpath(programWanted).catch(() => {
    throw HeadroomError.invalid('INVALID_SPEC', 'sweep spec', [
      {
        path: 'program',
        message: `${programWanted} does not exist on this worker (program is relative to workdir ${workdir})`,
      },
    ]);
  });
  if (!(await stat(program)).isFile())
    throw HeadroomError.invalid('INVALID_SPEC', 'sweep spec', [
      { path: 'program', message: `${programWanted} is not a file` },
    ]);
  if (!inside(program))
    throw HeadroomError.invalid('INVALID_SPEC', 'sweep spec', [
      {
        path: 'program',
        message: `${program} is outside the directories this worker runs programs from (${allowed})`,
      },
    ]);
  return { workdir, program };
}
