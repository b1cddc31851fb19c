import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { HeadroomError, type ErrorCode } from '@headroom/errors';
import { print } from 'graphql';

export interface GraphQLErrorShape {
  message: string;
  extensions?: { code?: string; violations?: Array<{ path: string; message: string }> };
}

/** Where the CLI's requests go, and the API token they carry (`resolveApi` in stack-state.ts). */
export interface ApiTarget {
  url: string;
  token?: string;
}

/** The Authorization header for a target with a token. */
export function authorizationOf(api: ApiTarget): Record<string, string> {
  return api.token ? { authorization: `Bearer ${api.token}` } : {};
}

/**
 * A minimal GraphQL-over-HTTP client: the CLI needs nothing more than POST and error mapping.
 * Documents come from queries.ts, typed from schema.gql, so result and variables are checked.
 */
export async function graphql<TResult, TVariables extends Record<string, unknown>>(
  api: ApiTarget,
  document: TypedDocumentNode<TResult, TVariables>,
  variables: TVariables,
): Promise<TResult> {
  const { url } = api;
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...authorizationOf(api) },
      body: JSON.stringify({ query: print(document), variables }),
    });
  } catch (err) {
    throw new HeadroomError(
      'CONFIG',
      `cannot reach the Headroom API at ${url} (${String(err)}); is \`pnpm headroom up\` running?`,
    );
  }
  const body = (await res.json().catch(() => undefined)) as
    { data?: TResult; errors?: GraphQLErrorShape[] } | undefined;
  if (!body)
    throw new HeadroomError(
      'INTERNAL',
      `the API at ${url} answered HTTP ${res.status} without JSON`,
    );
  if (body.errors?.length) throw errorOfResponse(body.errors);
  if (!body.data) throw new HeadroomError('INTERNAL', `the API at ${url} answered without data`);
  return body.data;
}

/** The API's error codes the CLI keeps (the rest, GraphQL's own among them, are INTERNAL to it). */
const PASSED_THROUGH = [
  'INVALID_SPEC',
  'INVALID_INPUT',
  'NOT_FOUND',
  'CONFIG',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'RATE_LIMITED',
] as const satisfies readonly ErrorCode[];

/** A GraphQL response's errors (over HTTP or graphql-ws) as one HeadroomError, its code kept. */
export function errorOfResponse(errors: readonly GraphQLErrorShape[]): HeadroomError {
  const first = errors[0];
  const violations = errors.flatMap((e) => e.extensions?.violations ?? []);
  const code = first?.extensions?.code;
  return new HeadroomError(
    (PASSED_THROUGH as readonly unknown[]).includes(code) ? (code as ErrorCode) : 'INTERNAL',
    errors.map((e) => e.message).join('\n'),
    violations,
  );
}
