import { SWEEP_STATUSES } from '@headroom/sweep/statuses';
import { useState } from 'react';
import { gql } from '../api';
import { formatDate, formatMetric, metricUnit } from '../format';
import { usePolled } from '../hooks';
import { SWEEPS, type SweepStatus, type SweepSummary, type Task, TASKS } from '../queries';
import { Link } from '../router';
import { type Column, StatusBadge, Table } from '../table';

const COLUMNS: Array<Column<SweepSummary>> = [
  {
    key: 'name',
    cell: (s) => (
      <>
        <Link to={`/sweeps/${s.id}`}>{s.name}</Link> <span className="dim">{s.id}</span>
      </>
    ),
  },
  { key: 'task', label: 'task or program', cell: (s) => s.task ?? s.program },
  { key: 'method', cell: (s) => s.method },
  { key: 'status', cell: (s) => <StatusBadge status={s.status} /> },
  { key: 'progress', cell: (s) => <Progress done={s.trialsDone} total={s.trialCount} /> },
  {
    key: 'best',
    label: 'best so far',
    num: true,
    cell: (s) => (
      <span title={`${s.metric}, ${s.goal}`}>
        {formatMetric(s.metric, s.best)} {s.best !== null && metricUnit(s.metric)}{' '}
        <span className="dim">
          {s.metric} {s.goal === 'minimize' ? '↓' : '↑'}
        </span>
      </span>
    ),
  },
  { key: 'created', cell: (s) => formatDate(s.createdAt) },
];

/** `/`: every sweep, newest first, filtered by task and status, refreshed every 3 s. */
export function SweepsPage() {
  const [task, setTask] = useState<Task | ''>('');
  const [status, setStatus] = useState<SweepStatus | ''>('');
  const { data, error } = usePolled(
    async () => (await gql(SWEEPS, { limit: 1000 })).sweeps,
    3000,
    [],
  );
  // The task list is the API's (the tasks it trains), read once.
  const tasks = usePolled(async () => (await gql(TASKS)).tasks, 3_600_000, []);
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
            {(tasks.data ?? []).map((t) => (
              <option key={t.id}>{t.id}</option>
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
        <Table testId="sweeps-table" rows={rows} columns={COLUMNS} rowKey={(s) => s.id} />
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
