import { describe, expect, it } from 'vitest';
import type { Trial } from '../queries';
import { isOlder } from './sweep-page';

describe('isOlder', () => {
  const trial = (attempts: number, epochsCompleted: number) =>
    ({ attempts, epochsCompleted }) as Trial;
  it('drops an event from an earlier attempt or with fewer epochs of the same attempt', () => {
    expect(isOlder(trial(1, 2), trial(1, 3))).toBe(true);
    expect(isOlder(trial(1, 3), trial(2, 0))).toBe(true);
    expect(isOlder(trial(1, 3), trial(1, 3))).toBe(false);
    // A new attempt resumed from an earlier checkpoint is newer despite fewer epochs.
    expect(isOlder(trial(2, 1), trial(1, 3))).toBe(false);
  });
});
