import { ConsoleLogger, type LogLevel } from '@nestjs/common';

/**
 * Nest writes warnings to stdout; stdout carries only the "listening on" line that
 * `headroom up` and tests wait for, so every Nest message goes to stderr.
 */
export class StderrLogger extends ConsoleLogger {
  constructor() {
    super('headroom-api', {
      logLevels: ['fatal', 'error', 'warn'],
      colors: Boolean(process.stderr.isTTY),
    });
  }

  protected override printMessages(
    messages: unknown[],
    context?: string,
    logLevel?: LogLevel,
    _writeStreamType?: 'stdout' | 'stderr',
    errorStack?: unknown,
  ): void {
    super.printMessages(messages, context, logLevel, 'stderr', errorStack);
  }
}
