import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { HeadroomError } from '@headroom/errors';
import { print } from 'graphql';

export interface GraphQLErrorShape {
  message: string;
  extensions?: { code?: string; violations?: Array<{ path: string; message: string }> };
}

/**
 * A minimal GraphQL-over-HTTP client: the CLI needs nothing more than POST and error mapping.
 * Documents come from queries.ts, typed from schema.gql, so result and variables are checked.
 */
export async function graphql<TResult, TVariables extends Record<string, unknown>>(
  url: string,
  document: TypedDocumentNode<TResult, TVariables>,
  variables: TVariables,
): Promise<TResult> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
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

/** A GraphQL response's errors (over HTTP or graphql-ws) as one HeadroomError, its code kept. */
export function errorOfResponse(errors: readonly GraphQLErrorShape[]): HeadroomError {
  const first = errors[0];
  const violations = errors.flatMap((e) => e.extensions?.violations ?? []);
  const code = first?.extensions?.code;
  return new HeadroomError(
    code === 'INVALID_SPEC' || code === 'INVALID_INPUT' || code === 'NOT_FOUND' || code === 'CONFIG'
      ? code
      : 'INTERNAL',
    errors.map((e) => e.message).join('\n'),
    violations,
  );
}
