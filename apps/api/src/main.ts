import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { openDatabase } from '@headroom/db';
import { HeadroomError, isHeadroomError } from '@headroom/errors';
import { resolveLogFormat, temporalConnection } from '@headroom/stack';
import { parseArgs } from 'node:util';
import { ensureAdminTokenFile, printNewAdminToken } from './access/admin-token-file';
import { AppModule, GRAPHQL_PATH } from './app.module';
import { requestIdMiddleware } from './common/request-id';
import { StderrLogger } from './common/stderr-logger';
import { parseApiEnv } from './env';

/** The largest request body the API reads. */
const MAX_BODY = '1mb';

async function main(): Promise<void> {
  const env = parseApiEnv();
  const [command, ...rest] = process.argv.slice(2);
  if (command === 'create-admin-token') return createAdminToken(env.DATABASE_URL, rest);
  if (command !== undefined)
    throw new HeadroomError(
      'INVALID_INPUT',
      `unknown command ${command}: the API takes none (it serves), or create-admin-token --owner NAME [--name N] (prints a new admin token, a cluster's first)`,
    );
  // Certificates are read now: a wrong path stops the API at start, naming the variable.
  temporalConnection(env);
  if (!env.DATABASE_URL) {
    // Not an error (the read API works), but nothing written by a control worker would ever show up here.
    console.error(
      'headroom api: DATABASE_URL is unset, so this API reads an in-memory PGlite database of its own; ' +
        'set DATABASE_URL to the database the control worker writes (`headroom up` does).',
    );
  }
  // Its failures (unreachable server, failed migration) are CONFIG errors naming DATABASE_URL.
  const database = await openDatabase({ url: env.DATABASE_URL });
  if (env.HEADROOM_ADMIN_TOKEN_FILE) {
    const made = await ensureAdminTokenFile(database.db, env.HEADROOM_ADMIN_TOKEN_FILE).catch(
      async (err: unknown) => {
        await database.close();
        throw new HeadroomError(
          'CONFIG',
          `cannot write the admin token to ${env.HEADROOM_ADMIN_TOKEN_FILE} (HEADROOM_ADMIN_TOKEN_FILE): ${err instanceof Error ? err.message : String(err)}`,
        );
      },
    );
    console.error(
      made === 'created'
        ? `headroom api: made an admin token and wrote it to ${env.HEADROOM_ADMIN_TOKEN_FILE} (mode 0600)`
        : `headroom api: the admin token in ${env.HEADROOM_ADMIN_TOKEN_FILE} is still good`,
    );
  }
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot({ env, database: database.db, events: database }),
    {
      logger: new StderrLogger(resolveLogFormat(env.HEADROOM_LOG_FORMAT)),
      // Boot errors should reach our catch below (with their message), not abort the process.
      abortOnError: false,
      // Set below, with its limit.
      bodyParser: false,
    },
  ).catch(async (err: unknown) => {
    await database.close();
    throw err;
  });

  app.use(requestIdMiddleware);
  // No ETag on responses: Express would hash every answer (a whole sweep's is 1.2 MB) for a header
  // that only a conditional GET could use, and GraphQL's answers come from POSTs (src/web writes
  // its files' headers itself).
  app.set('etag', false);
  // A sweep file of 10⁴ seeds is ~70 kB as JSON; anything past this is refused with 413.
  app.useBodyParser('json', { limit: MAX_BODY });

  let closing = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    void (async () => {
      let code = 0;
      try {
        await app.close();
      } catch (err) {
        code = 1;
        console.error(`headroom api: error while closing on ${signal}:`, err);
      }
      await database.close().catch((err: unknown) => {
        code = 1;
        console.error('headroom api: error while closing the database:', err);
      });
      process.exit(code);
    })();
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);

  await app.listen(env.PORT, env.HOST).catch((err: unknown) => {
    // Only the socket's own errors are about HOST and PORT; the modules' start-up (the database
    // events' LISTEN) fails here too and says what it is about.
    const code = (err as { code?: string }).code;
    if (!['EADDRINUSE', 'EACCES', 'EADDRNOTAVAIL', 'ENOTFOUND'].includes(code ?? '')) throw err;
    throw new HeadroomError(
      'CONFIG',
      `cannot listen on ${env.HOST}:${env.PORT} (HOST, PORT): ${err instanceof Error ? err.message : String(err)}; ` +
        'choose another PORT (0 picks a free one) or stop what holds it',
    );
  });
  const { port } = app.getHttpServer().address() as AddressInfo;
  const host = env.HOST.includes(':') ? `[${env.HOST}]` : env.HOST;
  // Exactly one line on stdout: `headroom up` and the tests wait for it to learn the port.
  process.stdout.write(`headroom api listening on http://${host}:${port}${GRAPHQL_PATH}\n`);
}

async function createAdminToken(url: string | undefined, argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { owner: { type: 'string' }, name: { type: 'string' } },
    strict: true,
  });
  if (!url)
    throw new HeadroomError(
      'CONFIG',
      'create-admin-token needs DATABASE_URL: the database the API serves (an embedded one would keep the token to itself)',
    );
  const database = await openDatabase({ url });
  try {
    await printNewAdminToken(database.db, { owner: values.owner ?? '', name: values.name });
  } finally {
    await database.close();
  }
}

main().catch((err: unknown) => {
  // HeadroomErrors (bad environment, unreachable database) carry a message meant for the user.
  const text = isHeadroomError(err)
    ? err.message
    : err instanceof Error
      ? (err.stack ?? err.message)
      : String(err);
  console.error(`headroom api: ${text}`);
  process.exit(1);
});
