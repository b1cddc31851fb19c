import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { type DynamicModule, Global, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import type { Database } from '@headroom/db';
import { type GraphQLSchema, lexicographicSortSchema } from 'graphql';
import {
  armorPlugins,
  armorValidationRules,
  GRAPHQL_LIMITS,
  subscriptionErrors,
} from './common/armor';
import { CompiledExecutionGateway } from './common/compiled-execution';
import { formatGraphQLError } from './common/graphql-errors';
import { withPlainResolvers } from './common/plain-resolvers';
import { ResolverErrorsFilter } from './common/resolver-errors.filter';
import { API_ENV, AUTHENTICATOR, DATABASE, DATABASE_EVENTS } from './common/tokens';
import type { ApiEnv } from './env';
import { AccessModule } from './access/access.module';
import { Authenticator } from './access/authenticator';
import { graphqlContext } from './access/context';
import { EventsModule } from './events/events.module';
import type { DatabaseEvents } from './events/events.service';
import { HealthModule } from './health/health.module';
import { createApiMetrics } from './health/metrics';
import { LeaderboardsModule } from './leaderboards/leaderboards.module';
import { SweepsModule } from './sweeps/sweeps.module';
import { ReferencesModule } from './references/references.module';
import { TasksModule } from './tasks/tasks.module';
import { TrialsModule } from './trials/trials.module';
import { TRIAL_PLAIN_RESOLVERS, TRIAL_PROPERTY_FIELDS } from './trials/trials.resolver';
import { WebModule } from './web/web.module';
import { WorkersModule } from './workers/workers.module';

export const GRAPHQL_PATH = '/graphql';

export interface AppDeps {
  env: ApiEnv;
  database: Database;
  /** Where the subscriptions' events come from: the opened database's `listen`. */
  events: DatabaseEvents;
}

/** What main.ts made before Nest started (env parsed once, database opened once), visible to every feature module. */
@Global()
@Module({})
class CoreModule {
  static forRoot({ env, database, events }: AppDeps, authenticator: Authenticator): DynamicModule {
    const providers = [
      { provide: API_ENV, useValue: env },
      { provide: DATABASE, useValue: database },
      { provide: DATABASE_EVENTS, useValue: events },
      { provide: AUTHENTICATOR, useValue: authenticator },
    ];
    return { module: CoreModule, providers, exports: providers };
  }
}

/** The executable schema, once Nest has built it (subscriptions validate against it). */
let builtSchema: GraphQLSchema | undefined;

/**
 * Queries run compiled by graphql-jit (common/compiled-execution.ts), through Apollo's gateway
 * option: Nest's ApolloDriverConfig leaves `gateway` out of its type (it is meant for federation)
 * but passes every option on to `new ApolloServer`, where a gateway's executor replaces graphql-js's
 * `execute` and nothing else. The schema is the one Nest built (`builtSchema`).
 * HEADROOM_GRAPHQL_EXECUTOR=graphql-js leaves Apollo's own.
 */
function compiledExecution(env: ApiEnv): { gateway?: CompiledExecutionGateway } {
  if (env.HEADROOM_GRAPHQL_EXECUTOR === 'graphql-js') return {};
  return { gateway: new CompiledExecutionGateway(() => builtSchema) };
}

@Module({})
export class AppModule {
  static forRoot(deps: AppDeps): DynamicModule {
    const metrics = createApiMetrics(deps.database);
    const authenticator = new Authenticator(deps.database);
    return {
      module: AppModule,
      providers: [{ provide: APP_FILTER, useClass: ResolverErrorsFilter }],
      imports: [
        CoreModule.forRoot(deps, authenticator),
        GraphQLModule.forRoot<ApolloDriverConfig>({
          driver: ApolloDriver,
          path: GRAPHQL_PATH,
          // Built in memory; schema.gql is written by `pnpm --filter @headroom/api schema` and checked by a test.
          autoSchemaFile: true,
          // Sorted here, not by Nest (sortSchema), so that the schema Nest hands Apollo is this one
          // object, the one the compiled executor and the subscriptions' checks use too. Fields
          // resolved once per row of a large page run as plain resolvers or plain property reads
          // (common/plain-resolvers.ts).
          transformSchema: (schema) =>
            (builtSchema = withPlainResolvers(
              lexicographicSortSchema(schema),
              TRIAL_PLAIN_RESOLVERS,
              TRIAL_PROPERTY_FIELDS,
            )),
          sortSchema: false,
          playground: false,
          introspection: true,
          includeStacktraceInErrorResponses: false,
          formatError: formatGraphQLError,
          // Compact JSON (Apollo pretty-prints by default: a third of a 1,000-trial page's time),
          // and no cache-control hints: nothing caches them, and their per-field hook wraps
          // every resolver.
          stringifyResult: (result) => JSON.stringify(result),
          plugins: [ApolloServerPluginCacheControlDisabled(), ...armorPlugins, metrics.plugin],
          // Cost, depth, alias, directive and token limits (src/common/armor.ts), before anything runs.
          validationRules: armorValidationRules,
          parseOptions: { maxTokens: GRAPHQL_LIMITS.maxTokens },
          // Who sent it (src/access): a token from the Authorization header or graphql-ws's payload.
          context: graphqlContext(deps.database, authenticator),
          // Queries run compiled (common/compiled-execution.ts) unless HEADROOM_GRAPHQL_EXECUTOR says not.
          ...compiledExecution(deps.env),
          // Subscriptions (src/events) over graphql-ws on the same path; errors shaped as over HTTP.
          subscriptions: {
            'graphql-ws': {
              path: GRAPHQL_PATH,
              // The armor's limits, as over HTTP (the schema as Nest built it, kept below).
              onSubscribe: (_ctx, _id, payload) =>
                builtSchema && subscriptionErrors(builtSchema, payload.query),
              onNext: (_ctx, _id, _payload, _args, result) =>
                result.errors
                  ? {
                      ...result,
                      errors: result.errors.map((e) => formatGraphQLError(e.toJSON(), e)),
                    }
                  : result,
            },
          },
        }),
        AccessModule,
        SweepsModule,
        TrialsModule,
        LeaderboardsModule,
        TasksModule,
        ReferencesModule,
        WorkersModule,
        EventsModule,
        HealthModule.forRoot(metrics.registry),
        WebModule,
      ],
    };
  }
}
