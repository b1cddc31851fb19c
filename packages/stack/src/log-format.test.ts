import { describe, expect, it } from 'vitest';
import { resolveLogFormat } from './log-format';

describe('resolveLogFormat', () => {
  it('takes HEADROOM_LOG_FORMAT, else JSON unless stderr is a terminal', () => {
    expect(resolveLogFormat('text', false)).toBe('text');
    expect(resolveLogFormat('json', true)).toBe('json');
    expect(resolveLogFormat(undefined, true)).toBe('text');
    expect(resolveLogFormat(undefined, false)).toBe('json');
    expect(resolveLogFormat('', false)).toBe('json');
  });
});
