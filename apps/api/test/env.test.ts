import { describe, expect, it } from 'vitest';
import { runApiToExit } from './helpers/api-process';

// Each case stops during env parsing, before any database or port is touched.
describe('environment', () => {
  it('refuses PORT=abc, naming PORT and what would be valid', async () => {
    const { code, stdout, stderr } = await runApiToExit({ PORT: 'abc' });
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/PORT: must be a whole number from 0 to 65535.*got "abc"/);
    expect(stdout).not.toContain('listening');
  });

  it('refuses a port above 65535', async () => {
    const { code, stderr } = await runApiToExit({ PORT: '70000' });
    expect(code).not.toBe(0);
    expect(stderr).toContain('PORT:');
  });

  it('refuses a DATABASE_URL that is not a postgres URL, naming DATABASE_URL', async () => {
    const { code, stderr } = await runApiToExit({ DATABASE_URL: 'mysql://localhost/x' });
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/DATABASE_URL: must be a postgres:\/\/ or postgresql:\/\/ URL/);
  });

  it('refuses a TEMPORAL_ADDRESS without a port, naming TEMPORAL_ADDRESS', async () => {
    const { code, stderr } = await runApiToExit({ TEMPORAL_ADDRESS: 'localhost' });
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/TEMPORAL_ADDRESS: must be host:port/);
  });

  it('refuses a registration timeout that is not a positive number of seconds', async () => {
    const { code, stderr } = await runApiToExit({ HEADROOM_REGISTRATION_TIMEOUT_SECONDS: '0' });
    expect(code).not.toBe(0);
    expect(stderr).toMatch(
      /HEADROOM_REGISTRATION_TIMEOUT_SECONDS: must be a number of seconds greater than 0/,
    );
  });

  it('refuses half an mTLS pair and an unreadable certificate, naming the variables', async () => {
    const half = await runApiToExit({ TEMPORAL_TLS_CERT: '/etc/hostname' });
    expect(half.code).not.toBe(0);
    expect(half.stderr).toContain(
      'TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together (mTLS needs the certificate and its key); TEMPORAL_TLS_CERT is set alone',
    );
    const missing = await runApiToExit({
      TEMPORAL_TLS_CERT: '/nonexistent/client.pem',
      TEMPORAL_TLS_KEY: '/nonexistent/client.key',
    });
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain(
      'TEMPORAL_TLS_CERT=/nonexistent/client.pem cannot be read (ENOENT)',
    );
    expect(missing.stdout).not.toContain('listening');
  });
});
