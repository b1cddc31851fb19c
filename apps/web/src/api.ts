import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
import { createClient, type Client } from 'graphql-ws';
import type { Violation } from './queries';
import { currentToken, onSessionChange, tokenRefused } from './session';

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

/** The Authorization header of the session's token, if it has one. */
export function authorization(): Record<string, string> {
  const token = currentToken();
  return token ? { authorization: `Bearer ${token}` } : {};
}

/** An error from the API; a refused token also makes the page ask for a token. */
function apiError(message: string, code?: string, violations?: Violation[]): ApiError {
  if (code === 'UNAUTHENTICATED') tokenRefused(message);
  return new ApiError(message, code, violations);
}

export async function gql<TResult, TVariables>(
  document: Document<TResult, TVariables>,
  ...[variables]: TVariables extends Record<string, never> ? [] : [TVariables]
): Promise<TResult> {
  const res = await fetch(GRAPHQL_PATH, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...authorization() },
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
  if (error) throw apiError(error.message, error.extensions?.code, error.extensions?.violations);
  if (!body?.data) throw new ApiError(`the API answered ${res.status} without data`);
  return body.data;
}

let wsClient: Client | undefined;

function ws(): Client {
  if (!wsClient) {
    const url = new URL(GRAPHQL_PATH, window.location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    // The token rides in graphql-ws's connection payload (a WebSocket has no headers to set).
    wsClient = createClient({
      url: url.href,
      lazy: true,
      retryAttempts: Infinity,
      connectionParams: authorization,
    });
  }
  return wsClient;
}

// A new token needs a new connection: its subscriptions are made again by their pages.
onSessionChange(() => {
  void wsClient?.dispose();
  wsClient = undefined;
});

/** A file of the artifact store (a trial's Grad-CAM PNG), fetched with the token, as a blob URL. */
export async function artifactUrl(path: string): Promise<string> {
  const res = await fetch(path, { headers: authorization() });
  if (res.status === 401) {
    const body = (await res.json().catch(() => null)) as { message?: string } | null;
    throw apiError(body?.message ?? 'this API needs a token', 'UNAUTHENTICATED');
  }
  if (!res.ok) throw new ApiError(`${path}: HTTP ${res.status}`);
  return URL.createObjectURL(await res.blob());
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
        const refused = result.errors?.find((e) => e.extensions?.['code'] === 'UNAUTHENTICATED');
        if (refused) tokenRefused(refused.message);
        if (result.errors?.length) onError(result.errors);
        else if (result.data) onData(result.data);
      },
      error: onError,
      complete: () => {},
    },
  );
}
