import { inspect } from 'node:util';
import { Logger } from '@nestjs/common';
import { isHeadroomError } from '@headroom/errors';
import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import { describeEnum } from './enums';
import { currentRequestId } from './request-id';

const logger = new Logger('graphql');

/**
 * The one place where errors become GraphQL errors. A HeadroomError keeps its message (which says
 * what would be valid) and exposes `extensions: { code, violations: [{ path, message }] }`; GraphQL's
 * own errors (bad query, wrong variable types) pass through; anything else is INTERNAL: its text
 * (a stack, an SQL statement) stays in the server's log under the request id the client is given.
 */
export function formatGraphQLError(
  formatted: GraphQLFormattedError,
  error: unknown,
): GraphQLFormattedError {
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
  const unknownValue = describeUnknownEnumValue(formatted.message);
  if (unknownValue) {
    return {
      message: unknownValue.message,
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: 'INVALID_INPUT', violations: [unknownValue] },
    };
  }
  const code = formatted.extensions?.['code'];
  if (typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR') {
    const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions: { ...extensions, violations: [] } };
  }
  const requestId = currentRequestId();
  // inspect keeps the cause (drizzle wraps PostgreSQL's error in its "Failed query").
  logger.error(`internal error, request ${requestId}: ${inspect(original)}`);
  return {
    message: `internal error; the API's log has the details under request id ${requestId}`,
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: 'INTERNAL', requestId, violations: [] },
  };
}

// graphql-js words it `Variable "$task" got invalid value "pose4d"; Value "pose4d" does not exist in "Task" enum.`
const UNKNOWN_ENUM_VALUE =
  /^(?:Variable "\$(\w+)" got invalid value .*?; )?Value "(.*?)" does not exist in "(\w+)" enum/;

/**
 * GraphQL refuses an unknown enum value (a task, a status) before any resolver runs, and says
 * only what is wrong; ours also says what would be valid, under the variable's name.
 */
function describeUnknownEnumValue(message: string): { path: string; message: string } | undefined {
  const match = UNKNOWN_ENUM_VALUE.exec(message);
  const known = match && describeEnum(match[3]!);
  if (!match || !known) return undefined;
  return {
    path: match[1] ?? known.noun,
    message: `unknown ${known.noun} "${match[2]}"; known ${known.plural}: ${known.values.join(', ')}`,
  };
}
