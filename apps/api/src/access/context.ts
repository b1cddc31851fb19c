import type { IncomingMessage } from 'node:http';
import type { Database } from '@headroom/db';
import { createRequestLoaders, type GraphQLContext } from '../common/request-loaders';
import type { Authenticator } from './authenticator';

/**
 * The GraphQL context of a request, with who sent it. Apollo calls it with `{ req }` per HTTP
 * request; graphql-ws with its own context per subscription, whose connection payload carries the
 * token (`{ authorization: "Bearer …" }`) as browsers cannot set headers on a WebSocket.
 */
export function graphqlContext(db: Database, authenticator: Authenticator) {
  return async (arg: unknown): Promise<GraphQLContext> => {
    const { authorization, address } = credentialsOf(arg);
    return {
      loaders: createRequestLoaders(db),
      access: await authenticator.authenticate(authorization, address),
    };
  };
}

function credentialsOf(arg: unknown): { authorization: unknown; address: string } {
  if (typeof arg === 'object' && arg !== null && 'req' in arg) {
    const req = arg.req as IncomingMessage;
    return { authorization: req.headers.authorization, address: addressOf(req) };
  }
  const ws = arg as {
    connectionParams?: Readonly<Record<string, unknown>>;
    extra?: { request?: IncomingMessage };
  };
  const params = ws.connectionParams ?? {};
  return {
    authorization: params['authorization'] ?? params['Authorization'],
    address: ws.extra?.request ? addressOf(ws.extra.request) : 'unknown',
  };
}

/** The peer's address (behind a proxy, the proxy's: docs/security.md says so). */
export function addressOf(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? 'unknown';
}
