import { ConsoleLogger, type LogLevel } from '@nestjs/common';

import { type LogFormat, resolveLogFormat } from '@headroom/stack';

/**
 * Every Nest message goes to stderr: stdout carries only the "listening on" line that
 * `headroom up` and tests wait for (in both formats). In `json`, one line per event with the
 * workers' fields — `time`, `level`, `msg`, `service`, `pid` — and `context`, `stack` (errors),
 * and the fields of an object message (`logger.warn({ msg, sweepId })`).
 */
export class StderrLogger extends ConsoleLogger {
  private readonly format: LogFormat;

  constructor(
    format: LogFormat = resolveLogFormat(process.env.HEADROOM_LOG_FORMAT),
    private readonly write: (line: string) => void = (line) => process.stderr.write(line),
  ) {
    super('headroom-api', {
      logLevels: ['fatal', 'error', 'warn'],
      colors: format === 'text' && Boolean(process.stderr.isTTY),
    });
    this.format = format;
  }

  protected override printMessages(
    messages: unknown[],
    context?: string,
    logLevel?: LogLevel,
    _writeStreamType?: 'stdout' | 'stderr',
    errorStack?: unknown,
  ): void {
    if (this.format === 'text') {
      super.printMessages(messages, context, logLevel, 'stderr', errorStack);
      return;
    }
    for (const message of messages)
      this.write(`${jsonLogLine(message, logLevel, context, errorStack)}\n`);
  }

  protected override printStackTrace(stack: string): void {
    // A JSON line carries its stack already.
    if (this.format === 'text') super.printStackTrace(stack);
  }
}

/** One event as a JSON line; an Error message becomes its message and stack. */
export function jsonLogLine(
  message: unknown,
  level: LogLevel = 'log',
  context?: string,
  stack?: unknown,
): string {
  const fields: Record<string, unknown> =
    message instanceof Error
      ? { msg: message.message, stack: message.stack }
      : typeof message === 'object' && message !== null
        ? renameMessage(message as Record<string, unknown>)
        : { msg: String(message) };
  return JSON.stringify({
    time: new Date().toISOString(),
    level: level === 'log' ? 'info' : level,
    ...fields,
    service: 'headroom-api',
    pid: process.pid,
    ...(context ? { context } : {}),
    ...(typeof stack === 'string' && stack ? { stack } : {}),
  });
}

/** `{ message, … }` as `{ msg, … }`, the field every Headroom log line has. */
function renameMessage(o: Record<string, unknown>): Record<string, unknown> {
  if (!('message' in o) || 'msg' in o) return o;
  const { message, ...rest } = o;
  return { msg: message, ...rest };
}
