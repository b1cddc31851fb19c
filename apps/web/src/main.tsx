import { lazy, StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { NewSweepPage } from './pages/new-sweep-page';
import { SweepsPage } from './pages/sweeps-page';
import { WorkersPage } from './pages/workers-page';
import { Link, matchRoute, useLocation } from './router';
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

function App() {
  const location = useLocation();
  const route = matchRoute(location.pathname);
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
        </nav>
      </header>
      <main>
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
      </main>
    </>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
