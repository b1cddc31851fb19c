import { useEffect, useState } from 'react';
import { gql, subscribe, type Worker, WORKER_UPDATED, WORKERS } from '../api';
import { formatAgo } from '../format';
import { usePolled } from '../hooks';
import { Link } from '../router';

interface WorkersData {
  workers: Worker[];
  sweeps: Array<{
    id: string;
    name: string;
    status: string;
    trials: { rows: Array<{ id: string; index: number; worker: string | null }> };
  }>;
}

/** `/workers`: the train workers as they last announced themselves, and the trials they run. */
export function WorkersPage() {
  const { data, error } = usePolled(() => gql<WorkersData>(WORKERS), 5000, []);
  const [updates, setUpdates] = useState<Map<string, Worker>>(new Map());
  const [, setNow] = useState(Date.now());

  useEffect(() => {
    const unsubscribe = subscribe<{ workerUpdated: Worker }>(
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
  const running = new Map<string, Array<{ sweepId: string; sweep: string; index: number }>>();
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
        <table className="grid" data-testid="workers-table">
          <thead>
            <tr>
              <th>pool</th>
              <th>host</th>
              <th>backend</th>
              <th>device</th>
              <th className="num">slots</th>
              <th>status</th>
              <th>last seen</th>
              <th>running</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((w) => (
              <tr key={w.id} title={w.id}>
                <td>{w.pool}</td>
                <td>{w.host}</td>
                <td>{w.backend}</td>
                <td>{w.device}</td>
                <td className="num">{w.slots}</td>
                <td>
                  <span className={`status ${w.status}`}>{w.status}</span>
                </td>
                <td>{formatAgo(w.lastSeenAt)}</td>
                <td>
                  {(running.get(w.id) ?? []).map((t) => (
                    <span key={`${t.sweepId}-${t.index}`}>
                      <Link to={`/sweeps/${t.sweepId}`}>
                        {t.sweep} #{t.index}
                      </Link>{' '}
                    </span>
                  ))}
                  {!running.has(w.id) && <span className="dim">idle</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
