import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { isFinalSweepStatus, isFinalTrialStatus } from '@headroom/sweep/statuses';
import { artifactUrl, gql, subscribe } from '../api';
import { createBatcher, nextFrame } from '../batch';
import { Chart, type ChartOption, emptyTitle } from '../chart';
import {
  compareByGoal,
  formatCount,
  formatDate,
  formatMetric,
  formatParam,
  GEOMETRY,
  isMetricValue,
  metricLabel,
  metricUnit,
  varyingParams,
} from '../format';
import { errorText, usePolled } from '../hooks';
import {
  type EpochPoint,
  type Goal,
  HISTORIES,
  SWEEP_ACTIONS,
  SWEEP_TRIALS,
  SWEEP_UPDATED,
  type SweepAction,
  type SweepSummary,
  type SweepTrials,
  type Trial,
  TRIAL_LOG,
  TRIAL_UPDATED,
  TRIALS_BY_IDS,
} from '../queries';
import { type Column, type SortState, StatusBadge, Table } from '../table';
import { Progress } from './sweeps-page';

const FETCH_PAGE = 1000;
const TABLE_PAGE = 100;
const POLL_MS = 2000;
const MAX_CURVES = 20;

/**
 * Live trials of one sweep. Subscribes first (events are buffered), then reads the trials a page
 * at a time (the first page renders at once), then applies the buffered events that are not older
 * than what was read, and every later one, batched per animation frame. If the API refuses the
 * subscriptions it polls the sweep's unfinished trials instead.
 */
function useLiveSweep(id: string) {
  const [sweep, setSweep] = useState<SweepSummary>();
  const [trials, setTrials] = useState<Map<string, Trial>>(new Map());
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<string>();
  const [live, setLive] = useState<'subscribed' | 'polling'>('subscribed');

  const applyTrials = useCallback((updates: Trial[]) => {
    setTrials((before) => {
      const after = new Map(before);
      for (const t of updates) {
        const old = after.get(t.id);
        if (old && isOlder(t, old)) continue;
        after.set(t.id, t);
      }
      return after;
    });
  }, []);

  const reloadAll = useCallback(async () => {
    let after: string | null = null;
    let first = true;
    do {
      const data: SweepTrials = await gql(SWEEP_TRIALS, {
        id,
        first: FETCH_PAGE,
        after,
      });
      if (!data.sweep) throw new Error(`no sweep ${id}; it may have been created elsewhere`);
      const { trials: page, ...summary } = data.sweep;
      if (first) setSweep(summary);
      applyTrials(page.rows);
      after = page.next;
      first = false;
    } while (after);
  }, [id, applyTrials]);

  useEffect(() => {
    let stopped = false;
    let ready = false;
    const buffered: Trial[] = [];
    const batcher = createBatcher<Trial>((t) => t.id, applyTrials, nextFrame);
    const onTrial = (t: Trial) => (ready ? batcher.push(t) : buffered.push(t));
    let polling: ReturnType<typeof setTimeout> | undefined;

    const poll = async () => {
      if (stopped) return;
      try {
        await pollOnce();
      } catch (err) {
        setError(errorText(err));
      }
      if (!stopped) polling = setTimeout(() => void poll(), POLL_MS);
    };
    const startPolling = () => {
      if (stopped || polling !== undefined) return;
      setLive('polling');
      polling = setTimeout(() => void poll(), POLL_MS);
    };
    const sweepRef = { current: undefined as SweepSummary | undefined };
    // The trials still moving, plus any that were moving in the last look and are not any more.
    let moving = new Set<string>();
    const pollOnce = async () => {
      const rows: Trial[] = [];
      let summary: SweepSummary | undefined;
      let after: string | null = null;
      do {
        const data: SweepTrials = await gql(SWEEP_TRIALS, {
          id,
          first: FETCH_PAGE,
          after,
          status: ['running', 'paused'],
        });
        if (!data.sweep) return;
        const { trials: page, ...s } = data.sweep;
        summary ??= s;
        rows.push(...page.rows);
        after = page.next;
      } while (after);
      const now = new Set(rows.map((t) => t.id));
      const settled = [...moving].filter((tid) => !now.has(tid));
      for (let i = 0; i < settled.length; i += 100) {
        const data = await gql(TRIALS_BY_IDS, {
          id,
          ids: settled.slice(i, i + 100),
        });
        rows.push(...(data.sweep?.trialsByIds ?? []));
      }
      moving = now;
      if (summary) {
        const statusChanged =
          sweepRef.current !== undefined && summary.status !== sweepRef.current.status;
        sweepRef.current = summary;
        setSweep(summary);
        // Pending trials are not polled one by one; a change of the sweep's status (cancel, end) reads them all.
        if (statusChanged) await reloadAll();
      }
      applyTrials(rows);
    };

    const unsubscribeTrials = subscribe(
      TRIAL_UPDATED,
      { sweepId: id },
      (d) => onTrial(d.trialUpdated),
      startPolling,
    );
    const unsubscribeSweep = subscribe(
      SWEEP_UPDATED,
      { id },
      (d) => {
        sweepRef.current = d.sweepUpdated;
        setSweep(d.sweepUpdated);
      },
      startPolling,
    );

    reloadAll()
      .then(() => {
        ready = true;
        setLoaded(true);
        applyTrials(buffered.splice(0));
      })
      .catch((err: unknown) => !stopped && setError(errorText(err)));

    return () => {
      stopped = true;
      clearTimeout(polling);
      unsubscribeTrials();
      unsubscribeSweep();
    };
  }, [id, applyTrials, reloadAll]);

  return { sweep, setSweep, trials, loaded, error, live, reloadAll };
}

/**
 * An event is older than what we have if it comes from an earlier attempt, or from the same
 * attempt with fewer epochs (a retry may restart from an earlier checkpoint: a new attempt wins).
 */
export function isOlder(next: Trial, have: Trial): boolean {
  if (next.attempts !== have.attempts) return next.attempts < have.attempts;
  return next.epochsCompleted < have.epochsCompleted;
}

export function SweepPage(props: { id: string }) {
  const { sweep, setSweep, trials, loaded, error, live, reloadAll } = useLiveSweep(props.id);
  const [sort, setSort] = useState<SortState>({ column: 'index', reversed: false });
  const [page, setPage] = useState(0);
  const [selected, setSelected] = useState<string[]>([]);
  const [focus, setFocus] = useState<string>();
  const [actionError, setActionError] = useState<string>();
  const [busy, setBusy] = useState<SweepAction>();

  const all = useMemo(() => [...trials.values()], [trials]);
  const metric = sweep?.metric ?? '';
  const goal = sweep?.goal ?? 'minimize';
  // A program sweep's parameters are its own: no geometry columns, every varying name shown.
  const program = sweep?.task === null;
  const varying = useMemo(() => varyingParams(all, program ? [] : GEOMETRY), [all, program]);
  const axes = useMemo(() => (program ? varying : [...GEOMETRY, ...varying]), [program, varying]);
  const otherMetrics = useMemo(() => {
    const names = new Set<string>();
    for (const t of all) for (const k of Object.keys(t.metrics ?? {})) names.add(k);
    names.delete(metric);
    return [...names].sort().slice(0, 4);
  }, [all, metric]);

  const sorted = useMemo(() => {
    const rows = [...all];
    const { column, reversed } = sort;
    const sign = reversed ? -1 : 1;
    if (column === metric || otherMetrics.includes(column)) {
      const g = column === metric ? goal : 'minimize';
      rows.sort((a, b) => compareByGoal(a.metrics?.[column], b.metrics?.[column], g, reversed));
    } else {
      const value = (t: Trial): string | number => {
        if (column === 'index') return t.index;
        if (column === 'status') return t.status;
        if (column === 'epochs') return t.epochsCompleted;
        if (column === 'attempts') return t.attempts;
        const v = (t as unknown as Record<string, unknown>)[column] ?? t.params[column];
        return typeof v === 'number' ? v : String(v);
      };
      rows.sort((a, b) => {
        const va = value(a);
        const vb = value(b);
        return (va < vb ? -1 : va > vb ? 1 : a.index - b.index) * sign;
      });
    }
    return rows;
  }, [all, sort, metric, goal, otherMetrics]);

  const pages = Math.max(1, Math.ceil(sorted.length / TABLE_PAGE));
  const shown = sorted.slice(page * TABLE_PAGE, (page + 1) * TABLE_PAGE);
  const counts = useMemo(() => {
    const c: Record<string, number> = {};
    for (const t of all) c[t.status] = (c[t.status] ?? 0) + 1;
    return c;
  }, [all]);
  const done = all.filter((t) => isFinalTrialStatus(t.status)).length;

  // Learning curves: the trials picked in the table, else the moving ones (running or paused,
  // with an epoch to show) and the best finished ones by the goal.
  const curveIds = useMemo(() => {
    if (selected.length > 0) return selected.slice(0, MAX_CURVES);
    const moving = all
      .filter((t) => (t.status === 'running' || t.status === 'paused') && t.epochsCompleted > 0)
      .sort((a, b) => b.epochsCompleted - a.epochsCompleted)
      .slice(0, MAX_CURVES / 2)
      .map((t) => t.id);
    const best = all
      .filter((t) => isMetricValue(t.metrics?.[metric]))
      .sort((a, b) => compareByGoal(a.metrics?.[metric], b.metrics?.[metric], goal))
      .map((t) => t.id);
    return [...new Set([...moving, ...best])].slice(0, MAX_CURVES);
  }, [all, selected, metric, goal]);
  const histories = useHistories(props.id, curveIds, trials);
  // Options are rebuilt only when their data changes, not on every render (a page turn, a click).
  const curves = useMemo(
    () => curvesOption(curveIds, trials, histories, metric),
    [curveIds, trials, histories, metric],
  );
  // A trial's final metrics do not change once it has them: redraw the (possibly 10⁴-line)
  // parallel coordinates when another trial finishes or a page of trials arrives, not on every
  // epoch of every trial.
  const finishedCount = all.filter((t) => isMetricValue(t.metrics?.[metric])).length;
  const parallel = useMemo(
    () => parallelOption(all, axes, metric, goal),
    [finishedCount, all.length, axes.join(), metric, goal],
  );

  const act = async (action: SweepAction) => {
    if (
      action === 'cancel' &&
      !window.confirm(
        `Cancel sweep ${sweep?.name}? Running trials stop within a heartbeat and unstarted ones are cancelled. Retry failed can bring them back.`,
      )
    )
      return;
    setBusy(action);
    setActionError(undefined);
    try {
      const data = await gql(SWEEP_ACTIONS[action], { id: props.id });
      setSweep(data.sweep);
      if (action === 'cancel' || action === 'retry') await reloadAll();
    } catch (err) {
      setActionError(errorText(err));
    } finally {
      setBusy(undefined);
    }
  };

  if (error && !sweep) return <p className="error">{error}</p>;
  if (!sweep) return <p className="dim">Loading sweep {props.id}…</p>;

  const final = isFinalSweepStatus(sweep.status);
  const retryable = (counts.failed ?? 0) + (counts.cancelled ?? 0);
  const focused = focus ? trials.get(focus) : undefined;
  return (
    <section>
      <div className="toolbar">
        <h1>
          {sweep.name} <span className="dim">{sweep.id}</span>
        </h1>
        <span className={`status ${sweep.status}`} data-testid="sweep-status">
          {sweep.status}
        </span>
        <span className="spacer" />
        {(sweep.status === 'running' || sweep.status === 'pending') && (
          <button disabled={busy !== undefined} onClick={() => void act('pause')}>
            {busy === 'pause' ? 'Pausing…' : 'Pause'}
          </button>
        )}
        {sweep.status === 'paused' && (
          <button disabled={busy !== undefined} onClick={() => void act('resume')}>
            {busy === 'resume' ? 'Resuming…' : 'Resume'}
          </button>
        )}
        {!final && (
          <button
            className="danger"
            disabled={busy !== undefined}
            onClick={() => void act('cancel')}
          >
            {busy === 'cancel' ? 'Cancelling…' : 'Cancel'}
          </button>
        )}
        {retryable > 0 && (
          <button disabled={busy !== undefined} onClick={() => void act('retry')}>
            {busy === 'retry' ? 'Retrying…' : `Retry failed (${retryable})`}
          </button>
        )}
      </div>
      <p className="summary">
        {sweep.task ?? sweep.program} · {sweep.method} · {metricLabel(metric)}{' '}
        {goal === 'minimize' ? '↓ lower is better' : '↑ higher is better'} · created{' '}
        {formatDate(sweep.createdAt)} ·{' '}
        <Progress done={loaded ? done : sweep.trialsDone} total={sweep.trialCount} /> · best{' '}
        <strong data-testid="sweep-best">
          {formatMetric(metric, sweep.best)} {sweep.best !== null && metricUnit(metric)}
        </strong>{' '}
        ·{' '}
        {Object.entries(counts)
          .map(([s, n]) => `${n} ${s}`)
          .join(', ')}
        <span className="dim" title="How this page hears about changes">
          {' '}
          · live: {live}
        </span>
      </p>
      {actionError && <p className="error">{actionError}</p>}
      {error && <p className="error">{error}</p>}

      <div className="charts">
        <div className="panel">
          <h2>
            Learning curves{' '}
            <span className="dim">
              {selected.length > 0
                ? `${curveIds.length} selected trials`
                : `${curveIds.length} running and best trials; click rows to pick`}
            </span>
          </h2>
          <Chart option={curves} testId="curves" />
        </div>
        <div className="panel">
          <h2>
            Parameters → {metric}{' '}
            <span className="dim">finished trials; drag an axis to filter</span>
          </h2>
          <Chart option={parallel} testId="parallel" />
        </div>
      </div>

      {focused && (
        <TrialDetail
          trial={focused}
          sweepId={props.id}
          program={program}
          metric={metric}
          onClose={() => setFocus(undefined)}
        />
      )}

      <div className="toolbar">
        <h2>
          Trials <span className="dim">{loaded ? all.length : `${all.length} loaded…`}</span>
        </h2>
        <span className="spacer" />
        {selected.length > 0 && (
          <button onClick={() => setSelected([])}>Clear selection ({selected.length})</button>
        )}
        <Pager page={page} pages={pages} setPage={setPage} />
      </div>
      <div className="table-scroll">
        <Table
          testId="trials-table"
          className="trials"
          rows={shown}
          columns={trialColumns(metric, goal, varying, otherMetrics, program)}
          rowKey={(t) => t.id}
          rowProps={(t) => ({
            'data-testid': 'trial-row',
            'data-status': t.status,
            className: `${selected.includes(t.id) ? 'selected' : ''} ${focus === t.id ? 'focused' : ''}`,
            onClick: () => {
              setFocus(t.id);
              setSelected((s) => (s.includes(t.id) ? s.filter((x) => x !== t.id) : [...s, t.id]));
            },
          })}
          sort={sort}
          onSort={(column) => {
            setSort((s) => ({ column, reversed: s.column === column ? !s.reversed : false }));
            setPage(0);
          }}
        />
      </div>
    </section>
  );
}

/** The trials table's columns: geometry (task sweeps), the varying parameters, progress, the metrics. */
function trialColumns(
  metric: string,
  goal: Goal,
  varying: string[],
  otherMetrics: string[],
  program: boolean,
): Array<Column<Trial>> {
  const sortable = true;
  const num = true;
  const geometry: Array<Column<Trial>> = [
    { key: 'd_m', num, sortable, cell: (t) => t.d_m },
    { key: 'heads', num, sortable, cell: (t) => t.heads },
    { key: 'd_h', num, sortable, cell: (t) => t.d_h },
    { key: 'qk_tied', sortable, cell: (t) => (t.qk_tied ? 'tied' : '–') },
  ];
  return [
    { key: 'index', label: '#', num, sortable, cell: (t) => t.index },
    ...(program ? [] : geometry),
    ...varying.map((p) => ({
      key: p,
      num,
      sortable,
      cell: (t: Trial) => formatParam(t.params[p]),
    })),
    {
      key: 'status',
      sortable,
      cell: (t) => (
        <>
          <StatusBadge status={t.status} title={t.error ?? undefined} />
          {t.error && ' ⚠'}
        </>
      ),
    },
    {
      key: 'epochs',
      num,
      sortable,
      testId: 'trial-epochs',
      // A program says how many epochs it runs only by running them.
      cell: (t) => (t.epochs === null ? t.epochsCompleted : `${t.epochsCompleted} / ${t.epochs}`),
    },
    { key: 'attempts', num, sortable, cell: (t) => t.attempts },
    {
      key: 'resumed',
      label: 'resumed from',
      num,
      cell: (t) => (t.resumedFromEpoch > 0 ? `epoch ${t.resumedFromEpoch}` : '–'),
    },
    {
      key: 'worker',
      label: 'worker · device',
      className: 'dim',
      cell: (t) => `${t.worker ?? '–'}${t.device ? ` · ${t.device}` : ''}`,
    },
    {
      key: metric,
      label: `${metricLabel(metric)} ${goal === 'minimize' ? '↓' : '↑'}`,
      num,
      sortable,
      className: 'strong',
      cell: (t) => formatMetric(metric, t.metrics?.[metric]),
    },
    ...otherMetrics.map((m) => ({
      key: m,
      label: metricLabel(m),
      num,
      sortable,
      cell: (t: Trial) => formatMetric(m, t.metrics?.[m]),
    })),
    { key: 'params', num, cell: (t) => formatCount(t.paramCount) },
  ];
}

function Pager(props: { page: number; pages: number; setPage: (p: number) => void }) {
  if (props.pages <= 1) return null;
  return (
    <span className="pager">
      <button disabled={props.page === 0} onClick={() => props.setPage(props.page - 1)}>
        ‹ prev
      </button>{' '}
      page {props.page + 1} of {props.pages}{' '}
      <button
        disabled={props.page >= props.pages - 1}
        onClick={() => props.setPage(props.page + 1)}
      >
        next ›
      </button>
    </span>
  );
}

function TrialDetail(props: {
  trial: Trial;
  sweepId: string;
  program: boolean;
  metric: string;
  onClose: () => void;
}) {
  const t = props.trial;
  const images = t.artifacts.filter((a) => a.name.endsWith('.png'));
  return (
    <div className="panel detail" data-testid="trial-detail">
      <div className="toolbar">
        <h2>
          Trial {t.index} <span className="dim">{t.id}</span>
        </h2>
        <span className="spacer" />
        <button onClick={props.onClose}>Close</button>
      </div>
      <p>
        {!props.program &&
          `d_m ${t.d_m} · heads ${t.heads} · d_h ${t.d_h} · qk_tied ${String(t.qk_tied)} · `}
        {Object.entries(t.params)
          .filter(([k]) => props.program || !(GEOMETRY as readonly string[]).includes(k))
          .map(([k, v]) => `${k} ${formatParam(v)}`)
          .join(' · ')}
      </p>
      <p>
        {t.status}
        {t.prunedAtRung !== null && ` at rung ${t.prunedAtRung}`} · epoch {t.epochsCompleted}
        {t.epochs !== null && ` / ${t.epochs}`} · {t.attempts} attempt{t.attempts === 1 ? '' : 's'}
        {t.resumedFromEpoch > 0 && ` · resumed from epoch ${t.resumedFromEpoch}`}
        {t.worker && ` · ${t.worker}`}
        {t.backend && ` · ${t.backend} on ${t.device ?? 'an unknown device'}`}
        {t.paramCount !== null && ` · ${formatCount(t.paramCount)} parameters`}
      </p>
      {t.error && (
        <pre className="error" data-testid="trial-error">
          {t.error}
        </pre>
      )}
      {props.program && <TrialLog sweepId={props.sweepId} trial={t} />}
      {images.length > 0 && (
        <div className="gradcam">
          {images.map((a) => (
            <figure key={a.name}>
              <ArtifactImage
                path={`/artifacts/${encodeURIComponent(t.id)}/${a.name.split('/').map(encodeURIComponent).join('/')}`}
                alt={a.name}
              />
              <figcaption>{a.name}</figcaption>
            </figure>
          ))}
        </div>
      )}
    </div>
  );
}

/** The end of a program trial's log (stdout and stderr), re-read while the trial runs. */
function TrialLog({ sweepId, trial }: { sweepId: string; trial: Trial }) {
  const running = !isFinalTrialStatus(trial.status);
  const { data, error } = usePolled(
    async () =>
      (await gql(TRIAL_LOG, { id: sweepId, trial: trial.id, lines: 60 })).sweep?.trialsByIds[0]
        ?.logTail ?? null,
    running ? 2000 : 3_600_000,
    [sweepId, trial.id, running],
  );
  return (
    <>
      <h3>Log</h3>
      {error && <p className="error">{error}</p>}
      <pre className="log" data-testid="trial-log">
        {data === undefined ? 'loading…' : (data?.text ?? 'no log yet')}
      </pre>
    </>
  );
}

/** An artifact image, fetched with the session's token (an <img src> could not send it). */
function ArtifactImage({ path, alt }: { path: string; alt: string }) {
  const [src, setSrc] = useState<string>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    let url: string | undefined;
    let stopped = false;
    artifactUrl(path).then(
      (u) => (stopped ? URL.revokeObjectURL(u) : setSrc((url = u))),
      (err: unknown) => !stopped && setError(errorText(err)),
    );
    return () => {
      stopped = true;
      if (url) URL.revokeObjectURL(url);
    };
  }, [path]);
  if (error) return <span className="error">{error}</span>;
  return src ? <img src={src} alt={alt} /> : <span className="dim">loading {alt}…</span>;
}

/** The learning curves' data: each trial's history, re-read (debounced) when its epochs move on. */
function useHistories(
  sweepId: string,
  ids: string[],
  trials: Map<string, Trial>,
): Map<string, EpochPoint[]> {
  const [histories, setHistories] = useState<Map<string, EpochPoint[]>>(new Map());
  const key = ids.map((id) => `${id}:${trials.get(id)?.epochsCompleted ?? 0}`).join(',');
  const latest = useRef(key);
  latest.current = key;
  useEffect(() => {
    if (ids.length === 0) return;
    const timer = setTimeout(() => {
      gql(HISTORIES, { id: sweepId, ids })
        .then((data) => {
          const rows = data.sweep?.trialsByIds ?? [];
          setHistories(new Map(rows.map((t) => [t.id, t.history.rows])));
        })
        .catch(() => {
          // Curves are a view; the next change of epochs tries again.
        });
    }, 400);
    return () => clearTimeout(timer);
    // `key` captures ids and their epochs.
  }, [sweepId, key]);
  return histories;
}

function curvesOption(
  ids: string[],
  trials: Map<string, Trial>,
  histories: Map<string, EpochPoint[]>,
  metric: string,
): ChartOption {
  const unit = metricUnit(metric);
  const any = ids.some((id) => (histories.get(id) ?? []).length > 0);
  return {
    animation: false,
    title: emptyTitle(any ? null : 'no epochs reported yet'),
    tooltip: { trigger: 'axis', valueFormatter: (v: number) => formatMetric(metric, v) },
    legend: { type: 'scroll', bottom: 0 },
    grid: { left: 60, right: 20, top: 20, bottom: 60 },
    xAxis: {
      type: 'value',
      name: 'epoch',
      nameLocation: 'middle',
      nameGap: 25,
      minInterval: 1,
      min: 'dataMin',
    },
    yAxis: {
      type: 'value',
      name: unit ? `${metric} (${unit})` : metric,
      nameLocation: 'middle',
      nameGap: 45,
      scale: true,
    },
    series: ids.map((id) => {
      const t = trials.get(id);
      return {
        type: 'line',
        name: t ? `#${t.index} d_h ${t.d_h}${t.qk_tied ? ' tied' : ''}` : id,
        showSymbol: false,
        data: (histories.get(id) ?? [])
          .filter((p) => isMetricValue(p.metrics[metric]))
          .map((p) => [p.epoch, p.metrics[metric]]),
      };
    }),
  };
}

function parallelOption(
  trials: Trial[],
  varying: string[],
  metric: string,
  goal: Goal,
): ChartOption {
  const finished = trials.filter((t) => isMetricValue(t.metrics?.[metric]));
  const valueOf = (t: Trial, d: string): unknown =>
    (t as unknown as Record<string, unknown>)[d] ?? t.params[d];
  // An axis per parameter that varies; a few distinct values (d_h 8, 16, 32) are evenly spaced
  // categories in numeric order, many numbers a continuous scale.
  const axes = [...GEOMETRY, ...varying].flatMap(
    (d): Array<{ name: string; data: string[] | null }> => {
      const distinct = [...new Set(trials.map((t) => valueOf(t, d)))];
      if (distinct.length < 2) return [];
      const numeric = distinct.every((v) => typeof v === 'number');
      if (numeric && distinct.length > 12) return [{ name: d, data: null }];
      const data = numeric
        ? (distinct as number[]).sort((a, b) => a - b).map(String)
        : distinct.map(String).sort();
      return [{ name: d, data }];
    },
  );
  const values = finished.map((t) => t.metrics![metric] as number);
  const min = values.length ? Math.min(...values) : 0;
  const max = values.length ? Math.max(...values) : 1;
  const parallelAxis = [
    ...axes.map((a, i) =>
      a.data === null
        ? { dim: i, name: a.name, scale: true }
        : { dim: i, name: a.name, type: 'category', data: a.data },
    ),
    // Better is up, whichever way the goal points.
    { dim: axes.length, name: metricLabel(metric), scale: true, inverse: goal === 'minimize' },
  ];
  // Better is darker green whichever way the goal points.
  const colors = ['#d9ead3', '#6aa84f', '#1b5e20'];
  return {
    animation: false,
    title: emptyTitle(finished.length > 0 ? null : `no finished trials with ${metric} yet`),
    parallelAxis,
    parallel: { left: 50, right: 70, top: 30, bottom: 50 },
    visualMap: {
      show: finished.length > 0,
      dimension: axes.length,
      min,
      max: max === min ? min + 1 : max,
      inRange: { color: goal === 'minimize' ? [...colors].reverse() : colors },
      orient: 'horizontal',
      left: 'center',
      bottom: 0,
      itemWidth: 12,
      itemHeight: 160,
      calculable: true,
      precision: metricUnit(metric) === 'mm' ? 1 : 3,
      text: goal === 'minimize' ? ['worse', 'better'] : ['better', 'worse'],
    },
    series: [
      {
        type: 'parallel',
        lineStyle: { width: 1.5, opacity: 0.7 },
        progressive: 2000,
        data: finished.map((t) => [
          ...axes.map((a) => (a.data === null ? valueOf(t, a.name) : String(valueOf(t, a.name)))),
          t.metrics![metric],
        ]),
      },
    ],
  };
}
