import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import { openDatabase } from '@headroom/db';
import { HeadroomError, isHeadroomError } from '@headroom/errors';
import { AppModule, GRAPHQL_PATH } from './app.module';
import { StderrLogger } from './common/stderr-logger';
import { parseApiEnv } from './env';

async function main(): Promise<void> {
  const env = parseApiEnv();
  const database = await openDatabase({ url: env.DATABASE_URL }).catch((err: unknown) => {
    if (isHeadroomError(err)) throw err;
    const where = env.DATABASE_URL ? redactPassword(env.DATABASE_URL) : 'the embedded PGlite database';
    throw new HeadroomError('CONFIG', `cannot open ${where} (DATABASE_URL): ${(err as Error).message ?? String(err)}`);
  });
  const app = await NestFactory.create(AppModule.forRoot({ env, database: database.db }), {
    logger: new StderrLogger(),
    // Boot errors should reach our catch below (with their message), not abort the process.
    abortOnError: false,
  }).catch(async (err: unknown) => {
    await database.close();
    throw err;
  });

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

  await app.listen(env.PORT, env.HOST);
  const { port } = app.getHttpServer().address() as AddressInfo;
  const host = env.HOST.includes(':') ? `[${env.HOST}]` : env.HOST;
  // Exactly one line on stdout: `headroom up` and the tests wait for it to learn the port.
  process.stdout.write(`headroom api listening on http://${host}:${port}${GRAPHQL_PATH}\n`);
}

function redactPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'DATABASE_URL';
  }
}

main().catch((err: unknown) => {
  // HeadroomErrors (bad environment, unreachable database) carry a message meant for the user.
  const text = isHeadroomError(err) ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err);
  console.error(`headroom api: ${text}`);
  process.exit(1);
});
