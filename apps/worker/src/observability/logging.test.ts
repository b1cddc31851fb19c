import { describe, expect, it } from 'vitest';
import { createWorkerLogger, idsOf, jsonLogLine, textLogLine } from './logging';

/** The worker's log lines: the ids they are about, JSON and text, and where each kind goes. */
describe('worker log lines', () => {
  it('reads sweep and trial ids from the workflow id the SDK attaches, unless given', () => {
    expect(idsOf({ workflowId: 'trial-sw0123456789-7', attempt: 2 })).toEqual({
      sweepId: 'sw0123456789',
      trialId: 'sw0123456789-7',
      attempt: 2,
    });
    expect(idsOf({ workflowId: 'sweep-sw0123456789' })).toEqual({ sweepId: 'sw0123456789' });
    expect(idsOf({ workflowId: 'worker-train@host/12' })).toEqual({});
    expect(idsOf({ workflowId: 'trial-a-b-3', trialId: 'given-1', sweepId: 'given' })).toEqual({
      sweepId: 'given',
      trialId: 'given-1',
    });
    expect(idsOf(undefined)).toEqual({});
  });

  it('writes one JSON object per event: fixed fields, the ids, the rest; errors with their stack', () => {
    const err = new Error('disk full');
    const line = jsonLogLine(
      {
        time: new Date('2026-12-01T10:00:00Z'),
        level: 'WARN',
        message: 'checkpoint failed\nretrying',
        meta: { workflowId: 'trial-swx-1', attempt: 3, taskToken: 'abc', error: err, n: 5n },
      },
      { service: 'headroom-worker', role: 'train' },
    );
    expect(line).not.toContain('\n');
    const event = JSON.parse(line) as Record<string, unknown>;
    expect(Object.keys(event).slice(0, 8)).toEqual([
      'time',
      'level',
      'msg',
      'service',
      'role',
      'sweepId',
      'trialId',
      'attempt',
    ]);
    expect(event).toMatchObject({
      time: '2026-12-01T10:00:00.000Z',
      level: 'warn',
      msg: 'checkpoint failed\nretrying',
      sweepId: 'swx',
      trialId: 'swx-1',
      attempt: 3,
      workflowId: 'trial-swx-1',
      n: '5',
      error: { name: 'Error', message: 'disk full', stack: expect.stringContaining('disk full') },
    });
    expect(event).not.toHaveProperty('taskToken');
  });

  it('writes a line for people in text', () => {
    expect(
      textLogLine({
        time: new Date('2026-12-01T10:00:00Z'),
        level: 'WARN',
        message: 'out of memory at batch_size 64',
        meta: { trialId: 'swx-1', attempt: 2, error: new Error('OOM') },
      }),
    ).toBe(
      '2026-12-01T10:00:00.000Z [WARN] out of memory at batch_size 64: OOM (trial swx-1, attempt 2)',
    );
  });

  it("puts the worker's own messages on stdout (plain in text) and SDK events on stderr", () => {
    const out: string[] = [];
    const err: string[] = [];
    const write = { stdout: (l: string) => out.push(l), stderr: (l: string) => err.push(l) };
    const text = createWorkerLogger({ format: 'text', level: 'warn', role: 'train', write });
    text.say('headroom train worker ready on headroom-train-a (1 slot)');
    text.info('below the level');
    text.warn('could not report presence', { workerId: 'w1' });
    expect(out).toEqual(['headroom train worker ready on headroom-train-a (1 slot)']);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/^\S+ \[WARN\] could not report presence$/);

    out.length = 0;
    err.length = 0;
    const json = createWorkerLogger({ format: 'json', level: 'info', role: 'control', write });
    json.say('headroom control worker ready on headroom-control');
    json.info('Worker state changed', { state: 'RUNNING' });
    expect(JSON.parse(out[0]!)).toMatchObject({
      level: 'info',
      msg: 'headroom control worker ready on headroom-control',
      service: 'headroom-worker',
      role: 'control',
    });
    expect(JSON.parse(err[0]!)).toMatchObject({ msg: 'Worker state changed', state: 'RUNNING' });
  });
});
