import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LOG_READ_MAX_BYTES, readLog } from './log-tail';

const store = mkdtempSync(join(tmpdir(), 'headroom-log-tail-'));
afterAll(() => rmSync(store, { recursive: true, force: true }));
const trial = { id: 'swlog-0', sweepId: 'swlog' };
const logFile = join(store, 'swlog', 'swlog-0', 'program.log');
mkdirSync(join(store, 'swlog', 'swlog-0'), { recursive: true });

describe("a program trial's log", () => {
  it('is null for a trial without one', async () => {
    expect(await readLog(store, { id: 'swlog-9', sweepId: 'swlog' }, { lines: 5 })).toBeNull();
  });

  it('gives its last lines, and from an offset only whole lines written past it', async () => {
    writeFileSync(logFile, 'one\ntwo\nthree\n');
    const tail = await readLog(store, trial, { lines: 2 });
    expect(tail).toEqual({ text: 'two\nthree\n', end: 14 });
    appendFileSync(logFile, 'four\nfi');
    expect(await readLog(store, trial, { lines: 2, after: tail!.end })).toEqual({
      text: 'four\n',
      end: 19,
    });
    appendFileSync(logFile, 've\n');
    expect(await readLog(store, trial, { lines: 2, after: 19 })).toEqual({
      text: 'five\n',
      end: 24,
    });
    expect(await readLog(store, trial, { lines: 2, after: 24 })).toEqual({ text: '', end: 24 });
  });

  it('reads at most LOG_READ_MAX_BYTES of a long log, starting at a whole line', async () => {
    const line = `${'x'.repeat(99)}\n`;
    writeFileSync(logFile, line.repeat((2 * LOG_READ_MAX_BYTES) / line.length) + 'last\n');
    const tail = await readLog(store, trial, { lines: 1000 });
    expect(tail!.text.endsWith(`${line}last\n`)).toBe(true);
    expect(tail!.text.startsWith(line)).toBe(true);
    expect(tail!.text.length).toBeLessThanOrEqual(LOG_READ_MAX_BYTES);
    const next = await readLog(store, trial, { lines: 1, after: 0 });
    expect(next!.end).toBeLessThanOrEqual(LOG_READ_MAX_BYTES);
    expect(next!.end % line.length).toBe(0);
  });
});
