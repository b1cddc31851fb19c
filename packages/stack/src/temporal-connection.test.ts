import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeTemporalConnection, temporalConnection } from './temporal-connection';

const dir = mkdtempSync(join(tmpdir(), 'headroom-tls-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const CERT = file('client.pem', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
const KEY = file(
  'client.key',
  '-----BEGIN PRIVATE KEY-----\nsecret-key-bytes\n-----END PRIVATE KEY-----\n',
);
const CA = file('ca.pem', '-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n');

describe('temporalConnection', () => {
  it('is a plain address by default', () => {
    expect(temporalConnection({})).toEqual({ address: '127.0.0.1:7233' });
    const c = temporalConnection({ TEMPORAL_ADDRESS: 'temporal:7233', TEMPORAL_TLS_CERT: ' ' });
    expect(c).toEqual({ address: 'temporal:7233' });
    expect(describeTemporalConnection(c)).toBe('temporal:7233');
  });

  it('reads mTLS files: client pair, CA and server name', () => {
    const c = temporalConnection({
      TEMPORAL_ADDRESS: 'temporal.lab:7233',
      TEMPORAL_TLS_CERT: CERT,
      TEMPORAL_TLS_KEY: KEY,
      TEMPORAL_TLS_CA: CA,
      TEMPORAL_TLS_SERVER_NAME: 'temporal-frontend',
    });
    expect(c.tls).toEqual({
      clientCertPair: { crt: readFileSync(CERT), key: readFileSync(KEY) },
      serverRootCACertificate: readFileSync(CA),
      serverNameOverride: 'temporal-frontend',
    });
    expect(describeTemporalConnection(c)).toBe('temporal.lab:7233 (mTLS)');
  });

  it('turns TLS on for an API key (Temporal Cloud)', () => {
    const c = temporalConnection({
      TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233',
      TEMPORAL_API_KEY: 'key-123',
    });
    expect(c).toEqual({ address: 'ns.acct.tmprl.cloud:7233', tls: true, apiKey: 'key-123' });
    expect(describeTemporalConnection(c)).toBe('ns.acct.tmprl.cloud:7233 (TLS, API key)');
  });

  it('refuses half a pair, a missing file and a non-PEM file, naming the variable and never the contents', () => {
    expect(() => temporalConnection({ TEMPORAL_TLS_CERT: CERT })).toThrow(
      'TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together (mTLS needs the certificate and its key); TEMPORAL_TLS_CERT is set alone',
    );
    expect(() =>
      temporalConnection({ TEMPORAL_TLS_CERT: CERT, TEMPORAL_TLS_KEY: join(dir, 'missing.key') }),
    ).toThrow(
      `TEMPORAL_TLS_KEY=${join(dir, 'missing.key')} cannot be read (ENOENT); point it at a PEM file`,
    );
    const notPem = file('key.txt', 'secret-key-bytes');
    let message = '';
    try {
      temporalConnection({ TEMPORAL_TLS_CERT: CERT, TEMPORAL_TLS_KEY: notPem });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toBe(
      `TEMPORAL_TLS_KEY=${notPem} is not a PEM file (no "-----BEGIN" line); give the certificate or key in PEM form`,
    );
    expect(message).not.toContain('secret-key-bytes');
  });
});
