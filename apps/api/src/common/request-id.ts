import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Each HTTP request's id: the caller's `x-request-id` when it is a plain token, else a new UUID;
 * sent back in the response's `x-request-id` and carried (AsyncLocalStorage) to wherever an error
 * is logged, so a client's "internal error, request id …" finds its stack trace in the log.
 */
const storage = new AsyncLocalStorage<string>();
const CALLER_ID = /^[A-Za-z0-9._-]{8,64}$/;

export function requestIdMiddleware(
  req: IncomingMessage,
  res: ServerResponse,
  next: () => void,
): void {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && CALLER_ID.test(given) ? given : randomUUID();
  res.setHeader('x-request-id', id);
  storage.run(id, next);
}

/** The current request's id; outside a request (a subscription event), a new one for this error. */
export function currentRequestId(): string {
  return storage.getStore() ?? randomUUID();
}
