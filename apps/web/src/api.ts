import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
import { createClient, type Client } from 'graphql-ws';
import type { Violation } from './queries';

// The page's one door to the API (same origin): fetch for queries and mutations, graphql-ws for
// subscriptions. Documents and their types are in ./queries (generated from schema.gql).

/** A document from ./queries: its text, typed by what it returns and takes. */
type Document<TResult, TVariables> = DocumentTypeDecoration<TResult, TVariables> & {
  toString(): string;
};

/** A GraphQL error as the API formats it: a code and, for invalid input, violations with paths. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code?: string,
    readonly violations: Violation[] = [],
  ) {
    super(message);
  }
}

const GRAPHQL_PATH = '/graphql';

export async function gql<TResult, TVariables>(
  document: Document<TResult, TVariables>,
  ...[variables]: TVariables extends Record<string, never> ? [] : [TVariables]
): Promise<TResult> {
  const res = await fetch(GRAPHQL_PATH, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: document.toString(), variables }),
  });
  const body = (await res.json().catch(() => null)) as {
    data?: TResult | null;
    errors?: Array<{
      message: string;
      extensions?: { code?: string; violations?: Violation[] };
    }>;
  } | null;
  const error = body?.errors?.[0];
  if (error)
    throw new ApiError(error.message, error.extensions?.code, error.extensions?.violations);
  if (!body?.data) throw new ApiError(`the API answered ${res.status} without data`);
  return body.data;
}

let wsClient: Client | undefined;

function ws(): Client {
  if (!wsClient) {
    const url = new URL(GRAPHQL_PATH, window.location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    wsClient = createClient({ url: url.href, lazy: true, retryAttempts: Infinity });
  }
  return wsClient;
}

/**
 * Subscribes; `onError` hears a subscription the API refuses (e.g. one it does not have), so the
 * caller can fall back to polling. Returns the unsubscribe function.
 */
export function subscribe<TResult, TVariables>(
  document: Document<TResult, TVariables>,
  variables: TVariables,
  onData: (data: TResult) => void,
  onError: (err: unknown) => void,
): () => void {
  return ws().subscribe<TResult>(
    { query: document.toString(), variables: variables as Record<string, unknown> },
    {
      next: (result) => {
        if (result.errors?.length) onError(result.errors);
        else if (result.data) onData(result.data);
      },
      error: onError,
      complete: () => {},
    },
  );
}
