import { describe, expect, it } from 'vitest';
import { waitFor } from './wait-for';

describe('waitFor', () => {
  it('returns once the condition holds', async () => {
    let calls = 0;
    await waitFor('the third probe', async () => ++calls === 3, 5_000, 1);
    expect(calls).toBe(3);
  });

  it('fails at the deadline naming what it waited for and the last error', async () => {
    await expect(
      waitFor(
        'the moon',
        async () => {
          throw new Error('not yet');
        },
        50,
        5,
      ),
    ).rejects.toThrow(/waiting for the moon \(last error: Error: not yet\)/);
  });
});
