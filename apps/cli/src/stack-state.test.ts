import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setEnv } from '@headroom/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { expiryOf } from './commands/access';
import { resolveApi } from './stack-state';

describe('resolveApi', () => {
  const dir = mkdtempSync(join(tmpdir(), 'headroom-state-'));
  writeFileSync(join(dir, 'token'), 'hr_local0000_fromthefile\n');
  let restore: (() => void) | undefined;
  afterEach(() => restore?.());

  it("sends the data directory's token to an API on this machine only", () => {
    restore = setEnv({
      HEADROOM_DATA_DIR: dir,
      HEADROOM_TOKEN: undefined,
      HEADROOM_API_URL: undefined,
    });
    for (const url of [
      'http://127.0.0.1:4000/graphql',
      'http://localhost:4000/graphql',
      'http://[::1]:4000/graphql',
    ])
      expect(resolveApi({ api: url })).toEqual({ url, token: 'hr_local0000_fromthefile' });
    expect(resolveApi({ api: 'https://headroom.lab.example.org/graphql' })).toEqual({
      url: 'https://headroom.lab.example.org/graphql',
    });
    expect(resolveApi({ api: 'http://127.0.0.1.evil.example.org/graphql' }).token).toBeUndefined();
  });

  it('prefers --token, then HEADROOM_TOKEN, to the file', () => {
    restore = setEnv({
      HEADROOM_DATA_DIR: dir,
      HEADROOM_TOKEN: 'hr_env',
      HEADROOM_API_URL: undefined,
    });
    expect(resolveApi({ api: 'http://127.0.0.1:1/graphql' }).token).toBe('hr_env');
    expect(resolveApi({ api: 'http://127.0.0.1:1/graphql', token: 'hr_flag' }).token).toBe(
      'hr_flag',
    );
    expect(resolveApi({ api: 'https://remote.example.org/graphql' }).token).toBe('hr_env');
  });

  it('without a file or a token, sends none', () => {
    const empty = mkdtempSync(join(tmpdir(), 'headroom-state-'));
    restore = setEnv({
      HEADROOM_DATA_DIR: empty,
      HEADROOM_TOKEN: undefined,
      HEADROOM_API_URL: undefined,
    });
    expect(resolveApi({ api: 'http://127.0.0.1:1/graphql' })).toEqual({
      url: 'http://127.0.0.1:1/graphql',
    });
    rmSync(empty, { recursive: true });
  });
});

describe('token lifetimes', () => {
  it('reads 90m, 12h, 30d and 2w, and names the option on anything else', () => {
    const now = Date.UTC(2026, 0, 1);
    expect(expiryOf('90m', now).toISOString()).toBe('2026-01-01T01:30:00.000Z');
    expect(expiryOf('12h', now).toISOString()).toBe('2026-01-01T12:00:00.000Z');
    expect(expiryOf('30d', now).toISOString()).toBe('2026-01-31T00:00:00.000Z');
    expect(expiryOf('2w', now).toISOString()).toBe('2026-01-15T00:00:00.000Z');
    for (const bad of ['30', '0d', '1y', '-1d', 'soon'])
      expect(() => expiryOf(bad, now)).toThrow(
        /--expires must be a lifetime such as 90m, 12h, 30d or 2w/,
      );
  });
});
