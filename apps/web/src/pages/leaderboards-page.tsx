import { useMemo } from 'react';
import { gql } from '../api';
import { Chart, type ChartOption, emptyTitle } from '../chart';
import { formatCount, formatMetric, formatParam, metricLabel } from '../format';
import { usePolled } from '../hooks';
import { type Goal, LEADERBOARD, type LeaderboardRow, type Task, TASKS } from '../queries';
import { navigate } from '../router';
import { type Column, Table } from '../table';

type Epoch = 'final' | 'best';

/**
 * `/leaderboards`: per task and metric, a row per head geometry (mean ± std over seeds), and a
 * scatter of the metric against the parameter count with the Pareto front. The choice lives in
 * the URL (`?task=pose3d&metric=mpjpe&epoch=final`), so a view can be shared.
 */
export function LeaderboardsPage(props: { search: URLSearchParams }) {
  const tasks = usePolled(async () => (await gql(TASKS)).tasks, 60_000, []);
  const task = (props.search.get('task') ?? 'pose3d') as Task;
  const info = tasks.data?.find((t) => t.id === task);
  const metric = props.search.get('metric') ?? info?.metrics[0]?.name ?? '';
  const goal = info?.metrics.find((m) => m.name === metric)?.goal ?? 'minimize';
  const epoch = (props.search.get('epoch') ?? 'final') as Epoch;

  const set = (key: string, value: string) => {
    const next = new URLSearchParams(props.search);
    next.set(key, value);
    if (key === 'task') next.delete('metric');
    navigate(`/leaderboards?${next.toString()}`);
  };

  const board = usePolled(
    async () => {
      if (!metric) return undefined;
      const vars = { task, metric, epoch, limit: 200 };
      const [ranked, front] = await Promise.all([
        gql(LEADERBOARD, vars),
        gql(LEADERBOARD, { ...vars, pareto: 'params' }),
      ]);
      return { rows: ranked.leaderboard.rows, pareto: front.leaderboard.rows };
    },
    10_000,
    [task, metric, epoch],
  );

  const option = useMemo(
    () => scatterOption(board.data?.rows ?? [], board.data?.pareto ?? [], metric),
    [board.data, metric],
  );
  const rows = board.data?.rows ?? [];
  const paretoKeys = new Set((board.data?.pareto ?? []).map((r) => r.key));
  const extraParams = [...new Set(rows.flatMap((r) => Object.keys(r.params)))].sort();

  return (
    <section>
      <div className="toolbar">
        <h1>Leaderboards</h1>
        <label>
          task{' '}
          <select value={task} onChange={(e) => set('task', e.target.value)}>
            {(tasks.data ?? []).map((t) => (
              <option key={t.id}>{t.id}</option>
            ))}
          </select>
        </label>
        <label>
          metric{' '}
          <select value={metric} onChange={(e) => set('metric', e.target.value)}>
            {(info?.metrics ?? []).map((m) => (
              <option key={m.name} value={m.name}>
                {m.name} {m.goal === 'minimize' ? '↓' : '↑'}
              </option>
            ))}
          </select>
        </label>
        <label>
          epoch{' '}
          <select value={epoch} onChange={(e) => set('epoch', e.target.value)}>
            <option value="final">final</option>
            <option value="best">best</option>
          </select>
        </label>
      </div>
      {(tasks.error ?? board.error) && <p className="error">{tasks.error ?? board.error}</p>}
      <p className="dim">
        One row per head geometry (and any other non-seed parameter that varies): mean ± sample std
        over its trials, ranked {goal === 'minimize' ? 'lowest' : 'highest'} first. ◆ marks the
        Pareto front: no row with fewer parameters does better.
      </p>
      <div className="panel">
        <h2>
          {metricLabel(metric)} vs parameters{' '}
          <span className="dim">{rows.length} geometries, Pareto front joined</span>
        </h2>
        <Chart option={option} testId="pareto" height={340} />
      </div>
      {board.data && rows.length === 0 && (
        <p className="empty">No succeeded trials of {task} yet.</p>
      )}
      {rows.length > 0 && (
        <Table
          testId="leaderboard-table"
          rows={rows}
          columns={columns(metric, goal, extraParams, paretoKeys)}
          rowKey={(r) => r.key}
          rowProps={(r) => (paretoKeys.has(r.key) ? { className: 'pareto' } : {})}
        />
      )}
    </section>
  );
}

function columns(
  metric: string,
  goal: Goal,
  extraParams: string[],
  paretoKeys: Set<string>,
): Array<Column<LeaderboardRow>> {
  return [
    {
      key: 'rank',
      num: true,
      cell: (r) => `${r.rank}${paretoKeys.has(r.key) ? ' ◆' : ''}`,
    },
    { key: 'd_m', num: true, cell: (r) => r.d_m },
    { key: 'heads', num: true, cell: (r) => r.heads },
    { key: 'd_h', num: true, cell: (r) => r.d_h },
    { key: 'qk_tied', cell: (r) => (r.qk_tied ? 'tied' : '–') },
    ...extraParams.map((p) => ({
      key: `param:${p}`,
      label: p,
      cell: (r: LeaderboardRow) => formatParam(r.params[p]),
    })),
    { key: 'n', num: true, cell: (r) => r.n },
    {
      key: 'mean',
      label: `${metricLabel(metric)} ${goal === 'minimize' ? '↓' : '↑'} mean ± std`,
      num: true,
      className: 'strong',
      cell: (r) =>
        `${formatMetric(metric, r.mean)}${r.std !== null ? ` ± ${formatMetric(metric, r.std)}` : ''}`,
    },
    {
      key: 'range',
      label: 'min … max',
      num: true,
      className: 'dim',
      cell: (r) => `${formatMetric(metric, r.min)} … ${formatMetric(metric, r.max)}`,
    },
    { key: 'params', num: true, cell: (r) => formatCount(r.paramCount) },
  ];
}

function scatterOption(
  rows: LeaderboardRow[],
  pareto: LeaderboardRow[],
  metric: string,
): ChartOption {
  const point = (r: LeaderboardRow) => ({
    value: [r.paramCount, r.mean],
    name: `d_m ${r.d_m} · heads ${r.heads} · d_h ${r.d_h}${r.qk_tied ? ' · tied' : ''} (n ${r.n})`,
  });
  const withCount = (r: LeaderboardRow) => r.paramCount !== null;
  const counts = rows.filter(withCount).map((r) => r.paramCount!);
  // A log axis when the sizes span a decade or more; otherwise a linear one fitted to the data.
  const logScale = counts.length > 0 && Math.max(...counts) / Math.min(...counts) >= 10;
  return {
    animation: false,
    title: emptyTitle(counts.length > 0 ? null : 'no succeeded trials yet'),
    tooltip: {
      trigger: 'item',
      formatter: (p: { name: string; value: [number, number] }) =>
        `${p.name}<br/>${formatCount(p.value[0])} parameters · ${metric} ${formatMetric(metric, p.value[1])}`,
    },
    legend: { bottom: 0 },
    grid: { left: 70, right: 30, top: 20, bottom: 60 },
    xAxis: {
      type: logScale ? 'log' : 'value',
      scale: true,
      name: 'parameters (whole model)',
      nameLocation: 'middle',
      nameGap: 28,
      axisLabel: { formatter: (v: number) => formatCount(v) },
    },
    yAxis: {
      type: 'value',
      name: metricLabel(metric),
      nameLocation: 'middle',
      nameGap: 50,
      scale: true,
    },
    series: [
      {
        type: 'scatter',
        name: 'geometries',
        data: rows.filter(withCount).map(point),
        symbolSize: 9,
      },
      {
        type: 'line',
        name: 'Pareto front',
        data: pareto.filter(withCount).map(point),
        symbol: 'diamond',
        symbolSize: 12,
        lineStyle: { type: 'dashed' },
      },
    ],
  };
}
