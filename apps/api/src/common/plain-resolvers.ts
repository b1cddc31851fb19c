import { HeadroomError } from '@headroom/errors';
import type { GraphQLFieldResolver, GraphQLSchema } from 'graphql';
import type { GraphQLContext } from './request-loaders';

/** By type, then field: resolvers that replace the ones Nest made for those fields. */
export type PlainResolvers = Record<
  string,
  Record<string, GraphQLFieldResolver<never, GraphQLContext, never>>
>;

/**
 * Swaps in plain graphql-js resolvers for fields resolved once per row of a large page (a
 * 1,000-trial page's `history`). Nest wraps each `@ResolveField` with parameter decorators in an
 * async handler (param factories and pipes, several promises a call); the field keeps its
 * declaration there (type, arguments, description: the schema does not change), only the
 * function that runs is replaced. Field resolvers have no guards, interceptors or filters here
 * (`fieldResolverEnhancers` is unset), so nothing they would run is skipped; access is checked on
 * the root fields. A field that is not in the schema stops the start-up, so a rename cannot
 * silently bring back the slow path.
 */
export function withPlainResolvers(
  schema: GraphQLSchema,
  resolvers: PlainResolvers,
): GraphQLSchema {
  for (const [typeName, fields] of Object.entries(resolvers)) {
    const type = schema.getType(typeName);
    const own = type && 'getFields' in type ? type.getFields() : undefined;
    for (const [fieldName, resolve] of Object.entries(fields)) {
      const field = own?.[fieldName];
      if (!field || !('resolve' in field) || !field.resolve)
        throw new HeadroomError(
          'INTERNAL',
          `plain resolver ${typeName}.${fieldName}: the schema has no such field with a resolver; declare it with @ResolveField first`,
        );
      field.resolve = resolve as GraphQLFieldResolver<unknown, unknown>;
    }
  }
  return schema;
}
