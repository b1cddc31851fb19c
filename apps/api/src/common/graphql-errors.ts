import { isHeadroomError } from '@headroom/errors';
import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';

/**
 * The one place where errors become GraphQL errors. A HeadroomError keeps its message (which says
 * what would be valid) and exposes `extensions: { code, violations: [{ path, message }] }`; GraphQL's
 * own errors (bad query, wrong variable types) pass through; anything else is INTERNAL and logged.
 */
export function formatGraphQLError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  if (isHeadroomError(original)) {
    return {
      message: original.message,
      locations: formatted.locations,
      path: formatted.path,
      extensions: {
        code: original.code,
        violations: original.violations.map((v) => ({ path: v.path, message: v.message })),
      },
    };
  }
  const code = formatted.extensions?.['code'];
  if (typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR') {
    const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions: { ...extensions, violations: [] } };
  }
  console.error('headroom api: unexpected error', original);
  return {
    message: formatted.message,
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: 'INTERNAL', violations: [] },
  };
}
