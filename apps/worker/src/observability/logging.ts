import type { LogLevel, LogMetadata, Logger } from '@temporalio/common';
import { DefaultLogger, type LogEntry } from '@temporalio/worker';
import type { LogFormat } from '@headroom/stack';

/**
 * The worker's log lines: every event one line on stderr (the worker's own start-up and
 * readiness messages on stdout, as before), either for people (`text`) or for a log pipeline
 * (`json`: one object per line with `time`, `level`, `msg`, `service`, `role`, and `sweepId`,
 * `trialId`, `attempt` where they apply). The API writes the same shape
 * (apps/api/src/common/stderr-logger.ts).
 */

const WORKFLOW_IDS = /^(?:sweep-(?<sweep>.+)|trial-(?<trial>(?<trialSweep>.+)-\d+))$/;

/**
 * The ids a log line is about: given ones (an activity's input), else read from the workflow id
 * the SDK attaches (`sweep-<sweep>`, `trial-<sweep>-<index>`, @headroom/sweep/temporal).
 */
export function idsOf(meta: LogMetadata | undefined): {
  sweepId?: string;
  trialId?: string;
  attempt?: number;
} {
  const out: { sweepId?: string; trialId?: string; attempt?: number } = {};
  const m = typeof meta?.workflowId === 'string' ? WORKFLOW_IDS.exec(meta.workflowId) : null;
  const sweepId = meta?.sweepId ?? m?.groups?.sweep ?? m?.groups?.trialSweep;
  const trialId = meta?.trialId ?? m?.groups?.trial;
  if (typeof sweepId === 'string') out.sweepId = sweepId;
  if (typeof trialId === 'string') out.trialId = trialId;
  if (typeof meta?.attempt === 'number') out.attempt = meta.attempt;
  return out;
}

/** Meta the SDK attaches that says nothing to an operator (a token, constant flags). */
const DROPPED = new Set(['taskToken', 'isLocal', 'sweepId', 'trialId', 'attempt']);

/** One JSON line: fixed fields first, then the ids, then the rest of the event's metadata. */
export function jsonLogLine(
  entry: { time: Date; level: string; message: string; meta?: LogMetadata },
  base: Record<string, unknown>,
): string {
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(entry.meta ?? {})) if (!DROPPED.has(k)) rest[k] = v;
  const line = {
    time: entry.time.toISOString(),
    level: entry.level.toLowerCase(),
    msg: entry.message,
    ...base,
    ...idsOf(entry.meta),
    ...rest,
  };
  return JSON.stringify(line, jsonReplacer);
}

/** Errors as their name, message and stack (JSON.stringify drops them), bigints as strings. */
function jsonReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    const { name, message, stack } = value;
    const cause = (value as { cause?: unknown }).cause;
    return { name, message, stack, ...(cause === undefined ? {} : { cause }) };
  }
  if (typeof value === 'bigint') return value.toString();
  return value;
}

/** A line for people: time, level, message, the ids it is about, and an error's message. */
export function textLogLine(entry: {
  time: Date;
  level: string;
  message: string;
  meta?: LogMetadata;
}): string {
  const ids = idsOf(entry.meta);
  const about = [
    ids.sweepId && !ids.trialId ? `sweep ${ids.sweepId}` : '',
    ids.trialId ? `trial ${ids.trialId}` : '',
    ids.attempt ? `attempt ${ids.attempt}` : '',
  ].filter(Boolean);
  const err = entry.meta?.error;
  const why = err instanceof Error ? `: ${err.message}` : '';
  return `${entry.time.toISOString()} [${entry.level.toUpperCase()}] ${entry.message}${why}${
    about.length ? ` (${about.join(', ')})` : ''
  }`;
}

export type HeadroomLogLevel = 'debug' | 'info' | 'warn' | 'error';

/** The worker's logger: Temporal's Runtime logger (SDK, Core, workflows, activities) and its own messages. */
export interface WorkerLogger extends Logger {
  /** A message of the worker's own on stdout (readiness, draining): plain text, or a JSON line. */
  say(message: string, meta?: LogMetadata): void;
}

export function createWorkerLogger(opts: {
  format: LogFormat;
  level: HeadroomLogLevel;
  role: string;
  write?: { stdout(line: string): void; stderr(line: string): void };
}): WorkerLogger {
  const write = opts.write ?? {
    stdout: (line: string) => process.stdout.write(`${line}\n`),
    stderr: (line: string) => process.stderr.write(`${line}\n`),
  };
  const base = { service: 'headroom-worker', role: opts.role, pid: process.pid };
  const line = (entry: LogEntry) => {
    const e = {
      time: new Date(Number(entry.timestampNanos / 1_000_000n)),
      level: entry.level,
      message: entry.message,
      ...(entry.meta ? { meta: entry.meta } : {}),
    };
    return opts.format === 'json' ? jsonLogLine(e, base) : textLogLine(e);
  };
  const logger = new DefaultLogger(opts.level.toUpperCase() as LogLevel, (entry) =>
    write.stderr(line(entry)),
  );
  return Object.assign(logger, {
    say(message: string, meta?: LogMetadata) {
      if (opts.format === 'text') write.stdout(message);
      else
        write.stdout(
          jsonLogLine(
            { time: new Date(), level: 'info', message, ...(meta ? { meta } : {}) },
            base,
          ),
        );
    },
  });
}
