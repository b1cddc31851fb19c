import type { ApiTokenInfo } from '@headroom/db';
import { tokenNeeded } from './authenticator';
import type { GraphQLContext } from '../common/request-loaders';

/** The token a mutation was sent with (AccessGuard has made sure there is one). */
export function callerOf(ctx: GraphQLContext): ApiTokenInfo {
  if (ctx.access.kind !== 'token') throw tokenNeeded('this mutation');
  return ctx.access.token;
}
