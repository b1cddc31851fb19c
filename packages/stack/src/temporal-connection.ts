import { readFileSync } from 'node:fs';
import { HeadroomError } from '@headroom/errors';
import type { ConnectionOptions } from '@temporalio/client';

/**
 * The environment every process that talks to Temporal reads (API, workers, CLI): the frontend's
 * address and namespace, and for a secured cluster mTLS (client certificate and key, optionally
 * the server's CA and name) or an API key (Temporal Cloud), which implies TLS.
 */
export interface TemporalConnectionEnv {
  TEMPORAL_ADDRESS?: string;
  /** PEM file of the client certificate (mTLS); needs TEMPORAL_TLS_KEY. */
  TEMPORAL_TLS_CERT?: string;
  /** PEM file of the client certificate's private key. */
  TEMPORAL_TLS_KEY?: string;
  /** PEM file of the CA that signed the server's certificate, when it is not a public one. */
  TEMPORAL_TLS_CA?: string;
  /** The name the server's certificate is for, when it differs from TEMPORAL_ADDRESS's host. */
  TEMPORAL_TLS_SERVER_NAME?: string;
  TEMPORAL_API_KEY?: string;
}

/** Connection options (`Connection.connect`, `NativeConnection.connect`) from the environment. */
export type TemporalConnection = Pick<ConnectionOptions, 'tls'> & {
  address: string;
  apiKey?: string;
};

export const DEFAULT_TEMPORAL_ADDRESS = '127.0.0.1:7233';

/**
 * Reads the certificate files now, so a wrong path stops the process at start with the variable's
 * name. Messages name variables and files, never their contents: a key or an API key is never
 * printed. `describeTemporalConnection` says how it connects, for start-up logs.
 */
export function temporalConnection(env: TemporalConnectionEnv): TemporalConnection {
  const blank = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v);
  const cert = blank(env.TEMPORAL_TLS_CERT);
  const key = blank(env.TEMPORAL_TLS_KEY);
  const ca = blank(env.TEMPORAL_TLS_CA);
  const serverName = blank(env.TEMPORAL_TLS_SERVER_NAME);
  const apiKey = blank(env.TEMPORAL_API_KEY);
  const address = blank(env.TEMPORAL_ADDRESS) ?? DEFAULT_TEMPORAL_ADDRESS;
  if ((cert === undefined) !== (key === undefined))
    throw new HeadroomError(
      'CONFIG',
      `TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together (mTLS needs the certificate and its key); ${
        cert === undefined ? 'TEMPORAL_TLS_KEY' : 'TEMPORAL_TLS_CERT'
      } is set alone`,
    );
  const secured = cert !== undefined || ca !== undefined || serverName !== undefined;
  if (!secured && apiKey === undefined) return { address };
  const tls = secured
    ? {
        ...(cert !== undefined && key !== undefined
          ? {
              clientCertPair: {
                crt: pem('TEMPORAL_TLS_CERT', cert),
                key: pem('TEMPORAL_TLS_KEY', key),
              },
            }
          : {}),
        ...(ca !== undefined ? { serverRootCACertificate: pem('TEMPORAL_TLS_CA', ca) } : {}),
        ...(serverName !== undefined ? { serverNameOverride: serverName } : {}),
      }
    : true;
  return { address, tls, ...(apiKey !== undefined ? { apiKey } : {}) };
}

/** "127.0.0.1:7233", "temporal:7233 (mTLS)", "x.tmprl.cloud:7233 (TLS, API key)". */
export function describeTemporalConnection(c: TemporalConnection): string {
  const how = [
    !c.tls ? undefined : typeof c.tls === 'object' && c.tls.clientCertPair ? 'mTLS' : 'TLS',
    c.apiKey === undefined ? undefined : 'API key',
  ].filter(Boolean);
  return how.length > 0 ? `${c.address} (${how.join(', ')})` : c.address;
}

function pem(variable: string, file: string): Buffer {
  let content: Buffer;
  try {
    content = readFileSync(file);
  } catch (err) {
    throw new HeadroomError(
      'CONFIG',
      `${variable}=${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}); point it at a PEM file`,
    );
  }
  if (!content.includes('-----BEGIN '))
    throw new HeadroomError(
      'CONFIG',
      `${variable}=${file} is not a PEM file (no "-----BEGIN" line); give the certificate or key in PEM form`,
    );
  return content;
}
