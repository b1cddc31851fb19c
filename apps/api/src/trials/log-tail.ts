import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { PROGRAM_LOG_NAME, programTrialDir } from '@headroom/sweep/temporal';

/** At most this much of a log is read per request. */
export const LOG_READ_MAX_BYTES = 64 * 1024;

export interface LogPiece {
  text: string;
  /** The byte offset just past `text`: ask again from there for what comes next. */
  end: number;
}

/**
 * A program trial's log (stdout and stderr, every attempt), read from the artifact store where the
 * train worker writes it: its last `lines` lines, or with `after` what was written past that byte
 * offset (at most LOG_READ_MAX_BYTES, whole lines; `end` says where to go on). Null when the
 * trial has no log (a task trial, or a program not started yet). The path is built from the
 * trial's own ids inside the store: nothing a client sends names a file.
 */
export async function readLog(
  store: string,
  trial: { id: string; sweepId: string },
  { lines, after }: { lines: number; after?: number },
): Promise<LogPiece | null> {
  const path = join(programTrialDir(store, trial.sweepId, trial.id), PROGRAM_LOG_NAME);
  const file = await open(path, 'r').catch(() => undefined);
  if (!file) return null;
  try {
    const { size } = await file.stat();
    const start =
      after === undefined ? Math.max(0, size - LOG_READ_MAX_BYTES) : Math.min(after, size);
    const length = Math.min(size - start, LOG_READ_MAX_BYTES);
    const buffer = Buffer.alloc(length);
    await file.read(buffer, 0, length, start);
    if (after !== undefined) {
      // Whole lines only: a line still being written comes with the next read.
      const last = buffer.lastIndexOf(0x0a);
      const whole = last < 0 ? 0 : last + 1;
      return { text: buffer.subarray(0, whole).toString('utf8'), end: start + whole };
    }
    let text = buffer.toString('utf8');
    // A read that starts mid-file drops its first, partial line.
    if (start > 0) text = text.slice(text.indexOf('\n') + 1);
    const all = text.split('\n');
    if (all.at(-1) === '') all.pop();
    const shown = all.slice(-lines);
    return { text: shown.length > 0 ? `${shown.join('\n')}\n` : '', end: size };
  } finally {
    await file.close();
  }
}
