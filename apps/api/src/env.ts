import { resolve } from 'node:path';
import { HeadroomError } from '@headroom/errors';
import { z } from 'zod';

/** An unset or empty variable both mean "use the default", as shells make `FOO=` easy to leave behind. */
const blankAsUnset = (v: unknown) => (v === '' ? undefined : v);

const ZPort = z.preprocess(
  blankAsUnset,
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number from 0 to 65535 (0 picks a free port)')
    .transform(Number)
    .refine((n) => n <= 65535, 'must be a whole number from 0 to 65535 (0 picks a free port)')
    .default(4000),
);

const ZApiEnv = z.object({
  PORT: ZPort,
  HOST: z.preprocess(blankAsUnset, z.string().default('127.0.0.1')),
  /** Unset: @headroom/db opens the embedded PGlite database. */
  DATABASE_URL: z.preprocess(
    blankAsUnset,
    z
      .string()
      .regex(
        /^postgres(ql)?:\/\//,
        'must be a postgres:// or postgresql:// URL (or unset for the embedded PGlite)',
      )
      .optional(),
  ),
  TEMPORAL_ADDRESS: z.preprocess(
    blankAsUnset,
    z
      .string()
      .regex(/^[^\s:/]+:\d+$/, 'must be host:port of the Temporal frontend, e.g. 127.0.0.1:7233')
      .default('127.0.0.1:7233'),
  ),
  TEMPORAL_NAMESPACE: z.preprocess(blankAsUnset, z.string().default('default')),
  /** mTLS and API-key options of a secured cluster: files read by @headroom/stack's temporalConnection. */
  TEMPORAL_TLS_CERT: z.preprocess(blankAsUnset, z.string().optional()),
  TEMPORAL_TLS_KEY: z.preprocess(blankAsUnset, z.string().optional()),
  TEMPORAL_TLS_CA: z.preprocess(blankAsUnset, z.string().optional()),
  TEMPORAL_TLS_SERVER_NAME: z.preprocess(blankAsUnset, z.string().optional()),
  TEMPORAL_API_KEY: z.preprocess(blankAsUnset, z.string().optional()),
  /** How long createSweep waits for a control worker to register the sweep before it answers CONFIG. */
  HEADROOM_REGISTRATION_TIMEOUT_SECONDS: z.preprocess(
    blankAsUnset,
    z
      .string()
      .regex(/^\d+(\.\d+)?$/, 'must be a number of seconds greater than 0, e.g. 20')
      .transform(Number)
      .refine((n) => n > 0, 'must be a number of seconds greater than 0, e.g. 20')
      .default(20),
  ),
  /** As the workers': the artifact store is HEADROOM_ARTIFACTS_DIR, else `<HEADROOM_DATA_DIR>/artifacts`. */
  HEADROOM_DATA_DIR: z.preprocess(blankAsUnset, z.string().default('./.headroom')),
  /** The store `/artifacts/…` may read from (a shared path on a cluster); nothing outside it is served. */
  HEADROOM_ARTIFACTS_DIR: z.preprocess(blankAsUnset, z.string().optional()),
  /**
   * Whether queries and subscriptions need a token (mutations always do): off by default, as a
   * cluster's sweeps, metrics and logs are the lab's business.
   */
  HEADROOM_PUBLIC_READ: z.preprocess(
    blankAsUnset,
    z
      .enum(['true', 'false', '1', '0'], {
        message: 'must be true or false (1 or 0): whether queries need no token',
      })
      .default('false')
      .transform((v) => v === 'true' || v === '1'),
  ),
  /**
   * Where the API keeps an admin token it made itself (mode 0600): at start, unless the file holds
   * a usable admin token, a new one is made and written there. `headroom up` and `demo` set it to
   * `<HEADROOM_DATA_DIR>/token`; unset on a cluster, where admins make tokens with `headroom token create`.
   */
  HEADROOM_ADMIN_TOKEN_FILE: z.preprocess(blankAsUnset, z.string().optional()),
  /** `json` (one object per line) or `text`; unset: JSON unless stderr is a terminal, as the workers. */
  HEADROOM_LOG_FORMAT: z.preprocess(
    blankAsUnset,
    z.enum(['json', 'text'], { message: 'must be json or text (or unset)' }).optional(),
  ),
  /** The page's build folder; unset: the @headroom/web package's dist. */
  HEADROOM_WEB_DIR: z.preprocess(blankAsUnset, z.string().optional()),
  /**
   * What runs queries: `compiled` (graphql-jit, src/common/compiled-execution.ts) or `graphql-js`
   * (its interpreter; the same answers, slower on large pages: for comparison, or to rule the
   * compiler out when a query misbehaves).
   */
  HEADROOM_GRAPHQL_EXECUTOR: z.preprocess(
    blankAsUnset,
    z
      .enum(['compiled', 'graphql-js'], { message: 'must be compiled or graphql-js (or unset)' })
      .default('compiled'),
  ),
});
export type ApiEnv = z.infer<typeof ZApiEnv>;

/** The artifact store, resolved as the train workers resolve it (apps/worker main.ts). */
export function artifactsDirOf(env: ApiEnv): string {
  return resolve(env.HEADROOM_ARTIFACTS_DIR ?? `${env.HEADROOM_DATA_DIR}/artifacts`);
}

/** Parses the API's environment once at boot; a bad value throws a CONFIG error naming the variable. */
export function parseApiEnv(source: NodeJS.ProcessEnv = process.env): ApiEnv {
  const r = ZApiEnv.safeParse(source);
  if (r.success) return r.data;
  const violations = r.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? 'environment');
    const raw = source[name];
    return {
      path: name,
      message: raw === undefined ? issue.message : `${issue.message}; got ${JSON.stringify(raw)}`,
    };
  });
  const lines = violations.map((v) => `  ${v.path}: ${v.message}`).join('\n');
  throw new HeadroomError(
    'CONFIG',
    `invalid environment for the Headroom API:\n${lines}`,
    violations,
  );
}
