import { Logger } from '@nestjs/common';
import { describe, expect, it, vi } from 'vitest';
import { parseApiEnv } from '../env';
import { StderrLogger } from './stderr-logger';

/** The API's log lines in both formats, as Nest's Logger calls reach them. */
describe('StderrLogger', () => {
  const capture = (format: 'json' | 'text') => {
    const lines: string[] = [];
    const logger = new StderrLogger(format, (line) => lines.push(line));
    return { logger, lines };
  };

  it('writes one JSON object per event, with the fields every Headroom process writes', () => {
    const { logger, lines } = capture('json');
    logger.warn('database events: connection lost; reconnecting', 'Events');
    logger.error('could not write the audit entry', new Error('boom').stack, 'audit');
    logger.warn({ message: 'sweep paused by hand', sweepId: 'sw0123456789' }, 'Sweeps');
    logger.log('not at a level the API writes');
    expect(lines).toHaveLength(3);
    expect(lines.every((l) => l.endsWith('\n') && !l.slice(0, -1).includes('\n'))).toBe(true);
    const [warn, error, withIds] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(warn).toEqual({
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      level: 'warn',
      msg: 'database events: connection lost; reconnecting',
      service: 'headroom-api',
      pid: process.pid,
      context: 'Events',
    });
    expect(error).toMatchObject({
      level: 'error',
      msg: 'could not write the audit entry',
      context: 'audit',
    });
    expect(error!.stack).toMatch(/^Error: boom\n\s+at /);
    expect(withIds).toMatchObject({
      level: 'warn',
      msg: 'sweep paused by hand',
      sweepId: 'sw0123456789',
    });
  });

  it("keeps Nest's text lines, on stderr, in text", () => {
    const { logger, lines } = capture('text');
    const written: { stderr: string[]; stdout: string[] } = { stderr: [], stdout: [] };
    const spies = (['stderr', 'stdout'] as const).map((s) =>
      vi.spyOn(process[s], 'write').mockImplementation((chunk) => {
        written[s].push(String(chunk));
        return true;
      }),
    );
    try {
      logger.warn('a warning', 'Events');
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    expect(lines).toEqual([]);
    expect(written.stdout).toEqual([]);
    expect(written.stderr.join('')).toMatch(/^\[Nest\] \d+ .* WARN \[Events\] a warning\n$/);
  });

  it('reaches Nest Logger instances once it is the app logger', () => {
    const { logger, lines } = capture('json');
    Logger.overrideLogger(logger);
    try {
      new Logger('Events').warn('listening again');
    } finally {
      Logger.overrideLogger(false);
    }
    expect(JSON.parse(lines[0]!)).toMatchObject({ msg: 'listening again', context: 'Events' });
  });

  it('refuses a HEADROOM_LOG_FORMAT other than json or text, naming it', () => {
    expect(() => parseApiEnv({ HEADROOM_LOG_FORMAT: 'yaml' })).toThrow(
      /HEADROOM_LOG_FORMAT: must be json or text \(or unset\); got "yaml"/,
    );
    expect(parseApiEnv({ HEADROOM_LOG_FORMAT: '' }).HEADROOM_LOG_FORMAT).toBeUndefined();
  });
});
