import { useEffect, useState } from 'react';
import { gql, subscribe } from '../api';
import { formatAgo } from '../format';
import { usePolled } from '../hooks';
import { type Worker, WORKER_UPDATED, WORKERS } from '../queries';
import { Link } from '../router';
import { type Column, StatusBadge, Table } from '../table';

/** The trials each worker runs, by worker id. */
type Running = Map<string, Array<{ sweepId: string; sweep: string; index: number }>>;

function columns(running: Running): Array<Column<Worker>> {
  return [
    { key: 'pool', cell: (w) => w.pool },
    { key: 'host', cell: (w) => w.host },
    { key: 'backend', cell: (w) => w.backend },
    { key: 'device', cell: (w) => w.device },
    { key: 'slots', num: true, cell: (w) => w.slots },
    { key: 'status', cell: (w) => <StatusBadge status={w.status} /> },
    {
      key: 'last seen',
      cell: (w) => (
        <span title={w.status === 'lost' ? 'it stopped reporting' : undefined}>
          {formatAgo(w.lastSeenAt)}
        </span>
      ),
    },
    {
      key: 'running',
      cell: (w) =>
        // A lost worker's trials are retried elsewhere once their heartbeats time out.
        w.status === 'lost' ? (
          <span className="dim">none: its trials move to other workers</span>
        ) : running.has(w.id) ? (
          running.get(w.id)!.map((t) => (
            <span key={`${t.sweepId}-${t.index}`}>
              <Link to={`/sweeps/${t.sweepId}`}>
                {t.sweep} #{t.index}
              </Link>{' '}
            </span>
          ))
        ) : (
          <span className="dim">idle</span>
        ),
    },
  ];
}

/** `/workers`: the train workers as they last announced themselves, and the trials they run. */
export function WorkersPage() {
  const { data, error } = usePolled(() => gql(WORKERS), 5000, []);
  const [updates, setUpdates] = useState<Map<string, Worker>>(new Map());
  const [, setNow] = useState(Date.now());

  useEffect(() => {
    const unsubscribe = subscribe(
      WORKER_UPDATED,
      {},
      (d) => setUpdates((m) => new Map(m).set(d.workerUpdated.id, d.workerUpdated)),
      () => {
        // No subscription: the 5 s refresh keeps the list current.
      },
    );
    const tick = setInterval(() => setNow(Date.now()), 5000);
    return () => {
      unsubscribe();
      clearInterval(tick);
    };
  }, []);

  const workers = new Map((data?.workers ?? []).map((w) => [w.id, w]));
  for (const [id, w] of updates) {
    const polled = workers.get(id);
    if (!polled || Date.parse(w.lastSeenAt) >= Date.parse(polled.lastSeenAt)) workers.set(id, w);
  }
  const running: Running = new Map();
  for (const s of data?.sweeps ?? [])
    for (const t of s.trials.rows)
      if (t.worker)
        running.set(t.worker, [
          ...(running.get(t.worker) ?? []),
          { sweepId: s.id, sweep: s.name, index: t.index },
        ]);
  const rows = [...workers.values()].sort(
    (a, b) => a.pool.localeCompare(b.pool) || Date.parse(b.lastSeenAt) - Date.parse(a.lastSeenAt),
  );

  return (
    <section>
      <div className="toolbar">
        <h1>Workers</h1>
      </div>
      {error && <p className="error">{error}</p>}
      {data && rows.length === 0 && (
        <p className="empty">
          No train workers have announced themselves. Start one with{' '}
          <code>pnpm headroom worker --pool default</code>.
        </p>
      )}
      {rows.length > 0 && (
        <Table
          testId="workers-table"
          rows={rows}
          columns={columns(running)}
          rowKey={(w) => w.id}
          rowProps={(w) => ({ title: w.id })}
        />
      )}
    </section>
  );
}
