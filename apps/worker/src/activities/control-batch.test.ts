import { ApplicationFailure } from '@temporalio/common';
import { HeadroomError } from '@headroom/errors';
import { describe, expect, it } from 'vitest';
import { controlBatchOf, withHeadroomFailures } from './control.activities';

describe('controlBatch', () => {
  const done: string[] = [];
  const batch = controlBatchOf(
    withHeadroomFailures({
      async write(name: string) {
        done.push(name);
      },
      async read(n: number) {
        return { n };
      },
      async refused(epoch: number) {
        throw new HeadroomError('INVALID_INPUT', `epoch must be positive, got ${epoch}`);
      },
      async flaky() {
        throw new Error('connection reset');
      },
    }),
  );

  it('runs the calls in order, each with its value, a failure for good its own', async () => {
    done.length = 0;
    const outcomes = await batch([
      { name: 'write', args: ['a'] },
      { name: 'refused', args: [-1] },
      { name: 'read', args: [3] },
      { name: 'write', args: ['b'] },
    ]);
    expect(done).toEqual(['a', 'b']);
    expect(outcomes).toEqual([
      { value: undefined },
      {
        failure: {
          message: 'epoch must be positive, got -1',
          type: 'INVALID_INPUT',
          details: [[]],
        },
      },
      { value: { n: 3 } },
      { value: undefined },
    ]);
  });

  it('throws a failure a retry may fix, so that the whole batch is retried', async () => {
    done.length = 0;
    const err = await batch([
      { name: 'write', args: ['a'] },
      { name: 'flaky', args: [] },
      { name: 'write', args: ['b'] },
    ]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toBe('connection reset');
    expect(done).toEqual(['a']);
  });

  it('refuses a call that names no control activity, for good', async () => {
    const err = await batch([{ name: 'dropDatabase', args: [] }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect((err as ApplicationFailure).nonRetryable).toBe(true);
    expect((err as ApplicationFailure).message).toContain('dropDatabase');
  });
});
