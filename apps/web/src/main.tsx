import { lazy, StrictMode, Suspense, useState, type FormEvent } from 'react';
import { createRoot } from 'react-dom/client';
import { NewSweepPage } from './pages/new-sweep-page';
import { SweepsPage } from './pages/sweeps-page';
import { WorkersPage } from './pages/workers-page';
import { Link, matchRoute, useLocation } from './router';
import { signIn, signOut, takeTokenFromUrl, useSession } from './session';
import './styles.css';

// The pages with charts load ECharts with them, so the sweeps list opens without it.
const SweepPage = lazy(() => import('./pages/sweep-page').then((m) => ({ default: m.SweepPage })));
const LeaderboardsPage = lazy(() =>
  import('./pages/leaderboards-page').then((m) => ({ default: m.LeaderboardsPage })),
);

const NAV = [
  { to: '/', label: 'Sweeps', pages: ['sweeps', 'sweep'] },
  { to: '/new', label: 'New sweep', pages: ['new'] },
  { to: '/leaderboards', label: 'Leaderboards', pages: ['leaderboards'] },
  { to: '/workers', label: 'Workers', pages: ['workers'] },
];

/** Asked once per tab, when the API refuses a request for want of a token. */
function SignIn({ refusal }: { refusal: string }) {
  const [token, setToken] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (token.trim()) signIn(token);
  };
  return (
    <form className="sign-in" onSubmit={submit} data-testid="sign-in">
      <h2>This Headroom needs an API token</h2>
      <p className="error">{refusal}</p>
      <p className="dim">
        On the machine running <code>headroom up</code> it is in <code>.headroom/token</code>; an
        admin makes one with <code>headroom token create --role viewer --name you</code>. It is kept
        for this tab only.
      </p>
      <input
        type="password"
        autoComplete="off"
        placeholder="hr_…"
        value={token}
        onChange={(e) => setToken(e.target.value)}
        aria-label="API token"
      />
      <button type="submit">Sign in</button>
    </form>
  );
}

function App() {
  const location = useLocation();
  const route = matchRoute(location.pathname);
  const { token, refusal } = useSession();
  return (
    <>
      <header className="top">
        <Link to="/" className="brand">
          Headroom
        </Link>
        <nav>
          {NAV.map((item) => (
            <Link
              key={item.to}
              to={item.to}
              className={item.pages.includes(route.page) ? 'active' : undefined}
            >
              {item.label}
            </Link>
          ))}
          {token && (
            <button type="button" className="link" onClick={() => signOut()}>
              Sign out
            </button>
          )}
        </nav>
      </header>
      {/* A new token remounts the pages, so their queries and subscriptions start again with it. */}
      <main key={token ?? 'no token'}>
        {refusal !== undefined && !token ? (
          <SignIn refusal={refusal} />
        ) : (
          <Suspense fallback={<p className="dim">Loading…</p>}>
            {route.page === 'sweeps' && <SweepsPage />}
            {route.page === 'sweep' && <SweepPage key={route.id} id={route.id} />}
            {route.page === 'new' && <NewSweepPage />}
            {route.page === 'leaderboards' && <LeaderboardsPage search={location.searchParams} />}
            {route.page === 'workers' && <WorkersPage />}
            {route.page === 'not-found' && (
              <p className="error">
                No page at {route.path}. <Link to="/">All sweeps</Link>
              </p>
            )}
          </Suspense>
        )}
      </main>
    </>
  );
}

takeTokenFromUrl();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
