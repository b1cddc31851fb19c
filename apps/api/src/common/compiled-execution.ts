import type { ApolloServerOptionsWithGateway } from '@apollo/server';
import { execute, getVariableValues, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import type { GraphQLContext } from './request-loaders';

type Gateway = ApolloServerOptionsWithGateway<GraphQLContext>['gateway'];
type SchemaListener = Parameters<Gateway['onSchemaLoadOrUpdate']>[0];
type Executor = NonNullable<Awaited<ReturnType<Gateway['load']>>['executor']>;
type GatewayRequest = Parameters<Executor>[0];

/** Compiled queries kept (by query text and operation): far more than the CLI's and the page's own documents. */
export const MAX_COMPILED_QUERIES = 500;

/**
 * Runs queries through graphql-jit (a query compiled once into a JS function, then run per
 * request) instead of graphql-js's interpreter, which on a whole sweep (`trials(first: 1000) {
 * rows { … history(first: 100) { rows { epoch metrics } } } }`, ~33,000 fields) spent a third of
 * the request's CPU walking fields and making their resolve infos and argument maps.
 *
 * Apollo Server has one way to swap the executor: its gateway interface, whose `load()` returns the
 * schema and an executor. Everything before execution stays Apollo's (parsing with the token limit,
 * validation with the armor's rules, the plugins, the context with its access), and so does
 * everything after (formatError, the HTTP status); only `execute` changes. Resolvers, Nest's guards
 * on root fields included, are the schema's own and run as before. Subscriptions (graphql-ws) do not
 * pass through Apollo and keep graphql-js.
 *
 * graphql-js still runs what graphql-jit would answer differently or cannot compile: mutations
 * (few, and serial), documents graphql-jit refuses, variables that do not coerce (graphql-js's
 * messages, which formatGraphQLError reads, and Apollo's 400 for them), and any query whose
 * compiled answer holds errors: graphql-jit reports every failing row of a list (a bad
 * `history(first: 0)` on 1,000 trials: 1,000 errors) where graphql-js reports the one that nulled
 * the list, so graphql-js answers that request again, with the same context (queries only read,
 * and the request's loaders have what the first run read), and its answer is the one sent.
 */
export class CompiledExecutionGateway implements Gateway {
  private readonly listeners = new Set<SchemaListener>();
  /** An LRU: a Map keeps insertion order, so a hit is moved to the end and the first key is the oldest. */
  private readonly compiled = new Map<string, CompiledQuery | null>();

  /** `schemaOf` gives the executable schema Nest built (it exists once Nest calls Apollo's start). */
  constructor(private readonly schemaOf: () => GraphQLSchema | undefined) {}

  onSchemaLoadOrUpdate(listener: SchemaListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async load(): Promise<{ executor: Executor }> {
    const schema = this.schemaOf();
    if (!schema)
      throw new Error('CompiledExecutionGateway.load: Nest has not built the schema yet');
    // Apollo derives what it validates against from this event; the schema never changes after.
    for (const listener of this.listeners) listener({ apiSchema: schema, coreSupergraphSdl: '' });
    return { executor: (request) => this.execute(schema, request) };
  }

  async stop(): Promise<void> {
    this.compiled.clear();
  }

  private async execute(schema: GraphQLSchema, request: GatewayRequest): Promise<ExecutionResult> {
    const { document, operation, context } = request;
    const variables = request.request.variables ?? {};
    const interpret = () =>
      execute({
        schema,
        document,
        contextValue: context,
        variableValues: request.request.variables,
        operationName: request.request.operationName,
      });
    const compiled = operation.operation === 'query' ? this.compiledFor(schema, request) : null;
    if (
      !compiled ||
      (operation.variableDefinitions?.length &&
        getVariableValues(schema, operation.variableDefinitions, variables).errors)
    )
      return interpret();
    const result = await compiled.query(undefined, context, variables);
    return result.errors ? interpret() : result;
  }

  private compiledFor(schema: GraphQLSchema, request: GatewayRequest): CompiledQuery | null {
    const key = `${request.queryHash}\u0000${request.request.operationName ?? ''}`;
    let compiled = this.compiled.get(key);
    if (compiled !== undefined) {
      this.compiled.delete(key);
    } else {
      try {
        const made = compileQuery(
          schema,
          request.document,
          request.request.operationName ?? undefined,
        );
        compiled = isCompiledQuery(made) ? made : null;
      } catch {
        compiled = null;
      }
      if (this.compiled.size >= MAX_COMPILED_QUERIES)
        this.compiled.delete(this.compiled.keys().next().value!);
    }
    this.compiled.set(key, compiled);
    return compiled;
  }
}
