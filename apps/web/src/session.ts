import { useSyncExternalStore } from 'react';

// The API token this tab signs in with: asked for once, kept in sessionStorage (gone with the
// tab, never in a cookie, so no other site can make the browser send it). `headroom demo` opens
// the page with `#token=…`, which a browser never sends to the server; it is taken and dropped.

const KEY = 'headroom-token';
type Listener = () => void;
const listeners = new Set<Listener>();
/** Set when the API refused a request for want of a (valid) token: the page asks for one. */
let refusal: string | undefined;

function notify(): void {
  for (const l of listeners) l();
}

export function currentToken(): string | undefined {
  return sessionStorage.getItem(KEY) ?? undefined;
}

export function signIn(token: string): void {
  sessionStorage.setItem(KEY, token.trim());
  refusal = undefined;
  notify();
}

export function signOut(why?: string): void {
  sessionStorage.removeItem(KEY);
  refusal = why;
  notify();
}

/** Called by the API client when a request was refused as UNAUTHENTICATED. */
export function tokenRefused(message: string): void {
  if (refusal === message) return;
  sessionStorage.removeItem(KEY);
  refusal = message;
  notify();
}

/** Takes `#token=…` from the address bar into the session, once, at start. */
export function takeTokenFromUrl(): void {
  const match = /(?:^#|&)token=([^&]+)/.exec(window.location.hash);
  if (!match) return;
  signIn(decodeURIComponent(match[1]!));
  history.replaceState(history.state, '', window.location.pathname + window.location.search);
}

function subscribe(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Re-renders on sign-in and sign-out: the token, and why the last one was refused. */
export function useSession(): { token: string | undefined; refusal: string | undefined } {
  const token = useSyncExternalStore(subscribe, currentToken);
  const why = useSyncExternalStore(subscribe, () => refusal);
  return { token, refusal: why };
}

/** Listens to sign-in and sign-out outside React (the subscription client). */
export const onSessionChange = subscribe;
