import { type MouseEvent, type ReactNode, useEffect, useState } from 'react';

// A history-API router: the API serves index.html for every page path, so a reload or a shared
// link lands on the same page. Routes are matched by matchRoute (pure, tested).

export type Route =
  | { page: 'sweeps' }
  | { page: 'sweep'; id: string }
  | { page: 'new' }
  | { page: 'leaderboards' }
  | { page: 'workers' }
  | { page: 'not-found'; path: string };

export function matchRoute(pathname: string): Route {
  const path = pathname.replace(/\/+$/, '') || '/';
  if (path === '/') return { page: 'sweeps' };
  if (path === '/new') return { page: 'new' };
  if (path === '/leaderboards') return { page: 'leaderboards' };
  if (path === '/workers') return { page: 'workers' };
  const sweep = /^\/sweeps\/([^/]+)$/.exec(path);
  if (sweep?.[1]) return { page: 'sweep', id: decodeURIComponent(sweep[1]) };
  return { page: 'not-found', path };
}

const NAVIGATE = 'headroom:navigate';

export function navigate(to: string): void {
  if (to === window.location.pathname + window.location.search) return;
  window.history.pushState(null, '', to);
  window.dispatchEvent(new Event(NAVIGATE));
}

/** The current location; re-renders on navigate() and on the browser's back and forward. */
export function useLocation(): URL {
  const [href, setHref] = useState(window.location.href);
  useEffect(() => {
    const update = () => setHref(window.location.href);
    window.addEventListener('popstate', update);
    window.addEventListener(NAVIGATE, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(NAVIGATE, update);
    };
  }, []);
  return new URL(href);
}

export function Link(props: { to: string; className?: string; children: ReactNode }) {
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    // Let the browser handle new tabs and windows.
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(props.to);
  };
  return (
    <a href={props.to} className={props.className} onClick={onClick}>
      {props.children}
    </a>
  );
}
