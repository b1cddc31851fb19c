import { Catch } from '@nestjs/common';
import type { GqlExceptionFilter } from '@nestjs/graphql';

/**
 * Hands every resolver error straight to GraphQL, where formatGraphQLError maps it. Without this, Nest
 * logs each one as an ERROR with a stack, user mistakes (an invalid spec) included.
 */
@Catch()
export class ResolverErrorsFilter implements GqlExceptionFilter {
  catch(exception: unknown): Error {
    // graphql-js turns an Error returned by a resolver into a field error.
    return exception instanceof Error ? exception : new Error(String(exception));
  }
}
