import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import type { Database } from '@headroom/db';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { AppModule } from './app.module';
import { parseApiEnv } from './env';
import type { DatabaseEvents } from './events/events.service';

/**
 * Prints the schema the API serves, by booting the real AppModule (so no resolver can be left out)
 * without listening or opening a database. `--write` updates schema.gql, `--check` exits 1 on drift,
 * no flag prints to stdout.
 */
const SCHEMA_FILE = resolve(__dirname, '..', 'schema.gql');
const HEADER =
  '# Generated from the resolvers by `pnpm --filter @headroom/api schema`; do not edit.\n' +
  '# A test fails when this file and the code disagree.\n\n';

// Building the schema only wires providers; no query runs, so an empty stand-in suffices.
const NO_DATABASE = {} as Database;
const NO_EVENTS: DatabaseEvents = { listen: () => Promise.resolve({ close: async () => {} }) };

export async function generateSchemaSdl(): Promise<string> {
  const app = await NestFactory.create(
    AppModule.forRoot({ env: parseApiEnv({}), database: NO_DATABASE, events: NO_EVENTS }),
    {
      logger: false,
      abortOnError: false,
    },
  );
  await app.init();
  const { schema } = app.get(GraphQLSchemaHost);
  await app.close();
  return HEADER + printSchema(lexicographicSortSchema(schema)) + '\n';
}

async function run(mode: string | undefined): Promise<void> {
  const sdl = await generateSchemaSdl();
  if (mode === '--write') {
    writeFileSync(SCHEMA_FILE, sdl);
    process.stderr.write(`wrote ${SCHEMA_FILE}\n`);
  } else if (mode === '--check') {
    if (readFileSync(SCHEMA_FILE, 'utf8') !== sdl) {
      process.stderr.write(
        `${SCHEMA_FILE} is out of date: run \`pnpm --filter @headroom/api schema\`\n`,
      );
      process.exitCode = 1;
    }
  } else {
    process.stdout.write(sdl);
  }
}

if (require.main === module) {
  run(process.argv[2]).catch((err: unknown) => {
    console.error('headroom api schema:', err);
    process.exit(1);
  });
}
