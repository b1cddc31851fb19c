import { useState } from 'react';
import {
  gql,
  SWEEP_STATUSES,
  SWEEPS,
  type SweepStatus,
  type SweepSummary,
  type Task,
} from '../api';
import { formatDate, formatMetric, metricUnit } from '../format';
import { usePolled } from '../hooks';
import { Link } from '../router';

const TASKS: Task[] = ['pose3d', 'pose2d', 'chest'];

/** `/`: every sweep, newest first, filtered by task and status, refreshed every 3 s. */
export function SweepsPage() {
  const [task, setTask] = useState<Task | ''>('');
  const [status, setStatus] = useState<SweepStatus | ''>('');
  const { data, error } = usePolled(
    async () => (await gql<{ sweeps: SweepSummary[] }>(SWEEPS, { limit: 1000 })).sweeps,
    3000,
    [],
  );
  const rows = (data ?? []).filter(
    (s) => (task === '' || s.task === task) && (status === '' || s.status === status),
  );
  return (
    <section>
      <div className="toolbar">
        <h1>Sweeps</h1>
        <label>
          task{' '}
          <select value={task} onChange={(e) => setTask(e.target.value as Task | '')}>
            <option value="">all</option>
            {TASKS.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </label>
        <label>
          status{' '}
          <select value={status} onChange={(e) => setStatus(e.target.value as SweepStatus | '')}>
            <option value="">all</option>
            {SWEEP_STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <Link to="/new" className="button">
          New sweep
        </Link>
      </div>
      {error && <p className="error">{error}</p>}
      {data && rows.length === 0 && (
        <p className="empty">
          No sweeps{task || status ? ' match' : ' yet'}. <Link to="/new">Launch one</Link> or run{' '}
          <code>pnpm headroom sweep create examples/sweeps/demo-pose3d.yaml</code>.
        </p>
      )}
      {rows.length > 0 && (
        <table className="grid" data-testid="sweeps-table">
          <thead>
            <tr>
              <th>name</th>
              <th>task</th>
              <th>method</th>
              <th>status</th>
              <th>progress</th>
              <th className="num">best so far</th>
              <th>created</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((s) => (
              <tr key={s.id}>
                <td>
                  <Link to={`/sweeps/${s.id}`}>{s.name}</Link> <span className="dim">{s.id}</span>
                </td>
                <td>{s.task}</td>
                <td>{s.method}</td>
                <td>
                  <span className={`status ${s.status}`}>{s.status}</span>
                </td>
                <td>
                  <Progress done={s.trialsDone} total={s.trialCount} />
                </td>
                <td className="num" title={`${s.metric}, ${s.goal}`}>
                  {formatMetric(s.metric, s.best)} {s.best !== null && metricUnit(s.metric)}{' '}
                  <span className="dim">
                    {s.metric} {s.goal === 'minimize' ? '↓' : '↑'}
                  </span>
                </td>
                <td>{formatDate(s.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function Progress(props: { done: number; total: number }) {
  const pct = props.total === 0 ? 0 : (100 * props.done) / props.total;
  return (
    <span className="progress" title={`${props.done} of ${props.total} trials done`}>
      <span className="bar">
        <span style={{ width: `${pct}%` }} />
      </span>
      {props.done} / {props.total}
    </span>
  );
}
