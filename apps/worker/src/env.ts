import { z } from 'zod';

/** The worker's environment, parsed once at start-up; a bad value stops it with the variable's name. */
const ZWorkerEnv = z.object({
  TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  /** mTLS and API-key options of a secured cluster: files read by @headroom/stack's temporalConnection. */
  TEMPORAL_TLS_CERT: z.string().optional(),
  TEMPORAL_TLS_KEY: z.string().optional(),
  TEMPORAL_TLS_CA: z.string().optional(),
  TEMPORAL_TLS_SERVER_NAME: z.string().optional(),
  TEMPORAL_API_KEY: z.string().optional(),
  /** Only the control worker uses it; train workers never touch the database. */
  DATABASE_URL: z.preprocess((v) => (v === '' ? undefined : v), z.string().url().optional()),
  HEADROOM_DATA_DIR: z.string().min(1).default('./.headroom'),
  /** Where trials write checkpoints and final weights; a shared path when several nodes train. */
  HEADROOM_ARTIFACTS_DIR: z.string().min(1).optional(),
  /** How long a SIGTERM'd train worker lets running trials finish their epoch before cancelling them. */
  HEADROOM_DRAIN_SECONDS: z.coerce.number().positive().default(120),
  HEADROOM_BACKEND: z.enum(['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']).optional(),
  /** Directories program trials may run from (absolute, ':'-separated); unset: program trials are refused. */
  HEADROOM_PROGRAM_ROOTS: z.string().optional(),
  /** How long a stopped program (cancel, prune, pause, drain) has between SIGTERM and SIGKILL. */
  HEADROOM_PROGRAM_GRACE_SECONDS: z.coerce.number().positive().default(10),
  /**
   * Where Prometheus scrapes `/metrics` (Temporal's metrics and Headroom's, one endpoint per
   * worker process): an IP and port, as Core's exporter binds a socket address. Unset: none.
   */
  HEADROOM_METRICS_ADDRESS: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .regex(
        /^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-fA-F:.]+\]):\d{1,5}$/,
        'must be IP:port, e.g. 0.0.0.0:9464 (every interface) or 127.0.0.1:9464 (a hostname does not bind)',
      )
      .optional(),
  ),
  /** `json` (one object per line) or `text`; unset: text on a terminal, JSON otherwise. */
  HEADROOM_LOG_FORMAT: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.enum(['json', 'text']).optional(),
  ),
  /**
   * The least severe log events written (the SDK's, Core's, the workflows', the trainers');
   * unset: `info` in JSON, `warn` in text (a terminal sees warnings and errors, as before).
   */
  HEADROOM_LOG_LEVEL: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.enum(['debug', 'info', 'warn', 'error']).optional(),
  ),
});
export type WorkerEnv = z.infer<typeof ZWorkerEnv>;

export function parseWorkerEnv(env: NodeJS.ProcessEnv = process.env): WorkerEnv {
  const r = ZWorkerEnv.safeParse(env);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`invalid environment for the Headroom worker:\n${lines}`);
  }
  return r.data;
}
