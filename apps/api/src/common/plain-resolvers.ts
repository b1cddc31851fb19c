import { HeadroomError } from '@headroom/errors';
import type { GraphQLFieldResolver, GraphQLSchema } from 'graphql';
import type { GraphQLContext } from './request-loaders';

/** By type, then field: resolvers that replace the ones Nest made for those fields. */
export type PlainResolvers = Record<
  string,
  Record<string, GraphQLFieldResolver<never, GraphQLContext, never>>
>;

/**
 * By type: fields read as the row's property of the same name, resolved once per row of a large
 * page (a whole sweep: 1,000 trials × their 10 epochs). Nest gives every field a resolver, a
 * closure reading that property; removed, the executor reads the property itself: graphql-jit
 * inlines the read into the compiled query (no call and no resolve info per field), graphql-js
 * uses its default resolver (the same read).
 */
export type PropertyFields = Record<string, readonly string[]>;

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
  propertyFields: PropertyFields = {},
): GraphQLSchema {
  for (const [typeName, names] of Object.entries(propertyFields)) {
    const type = schema.getType(typeName);
    const own = type && 'getFields' in type ? type.getFields() : undefined;
    for (const name of names) {
      const field = own?.[name];
      if (!field || !('resolve' in field) || !isPropertyRead(field.resolve, name))
        throw new HeadroomError(
          'INTERNAL',
          `property field ${typeName}.${name}: the schema has no such field read from a property of the same name (a renamed @Field, a @ResolveField or a default value cannot be read as a plain property); take it off the list`,
        );
      field.resolve = undefined;
    }
  }
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

/**
 * Whether a resolver is Nest's plain read of the property `name` (one parameter, the parent; no
 * default value, no middleware): it returns what the parent holds under `name`, and undefined when
 * it holds nothing. Nest's @ResolveField handlers take no declared parameters, so they are not called.
 */
function isPropertyRead(resolve: GraphQLFieldResolver<unknown, unknown> | undefined, name: string) {
  if (!resolve || resolve.length !== 1) return false;
  const probe = Symbol(name);
  const read = resolve as unknown as (parent: object) => unknown;
  try {
    return read({ [name]: probe }) === probe && read({}) === undefined;
  } catch {
    return false;
  }
}
