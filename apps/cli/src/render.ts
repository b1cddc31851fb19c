import {
  describeTrial,
  isStandardLayer,
  type MetricName,
  type TaskId,
  type TrialParams,
} from '@headroom/sweep';
import type { LeaderboardPage, SweepView, TrialView } from './queries';

const BAR = 20;

export function progressBar(done: number, total: number | null): string {
  // A program trial has no epoch count of Headroom's (null): an empty bar.
  const filled = total !== null && total > 0 ? Math.round((done / total) * BAR) : 0;
  return '█'.repeat(filled) + '░'.repeat(BAR - filled);
}

/** A metric as printed; metric maps are JSON, so anything but a finite number is a dash. */
function fmt(x: unknown, digits: number): string {
  return typeof x === 'number' && Number.isFinite(x) ? x.toFixed(digits) : '—';
}

interface MetricColumn<T extends TaskId> {
  key: MetricName<T>;
  label: string;
  digits: number;
}

/**
 * The metrics a table shows for each task, labelled and rounded as the papers print them
 * (millimetres to 0.1, AP and AUC to 0.001); `sweep show --json` has all of them.
 */
const METRIC_COLUMNS: { [T in TaskId]: Array<MetricColumn<T>> } = {
  pose3d: [
    { key: 'mpjpe', label: 'MPJPE (mm)', digits: 1 },
    { key: 'p_mpjpe', label: 'P-MPJPE (mm)', digits: 1 },
  ],
  pose2d: [
    { key: 'ap', label: 'AP', digits: 3 },
    { key: 'ap50', label: 'AP50', digits: 3 },
    { key: 'ap75', label: 'AP75', digits: 3 },
    { key: 'ar', label: 'AR', digits: 3 },
  ],
  chest: [
    { key: 'mean_auc', label: 'mean AUC', digits: 3 },
    { key: 'mean_auc_14', label: 'mean AUC (14)', digits: 3 },
  ],
};

/** Digits a metric is printed with: those of its column, else 3 (AUCs of single classes, AP…). */
export function metricDigits(task: TaskId | null, metric: string): number {
  // A program's metrics are its own: 4 digits.
  if (task === null) return 4;
  const columns: ReadonlyArray<{ key: string; digits: number }> = METRIC_COLUMNS[task];
  return columns.find((c) => c.key === metric)?.digits ?? 3;
}

/**
 * The trial's name as everywhere: its geometry, and the parameters that differ from the defaults;
 * a program trial's (a sweep without a task) its parameters, `name=value` in order.
 */
function trialLabel(t: Pick<TrialView, 'params'>, task: TaskId | null): string {
  if (task === null)
    return Object.entries(t.params as Record<string, unknown>)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(' ');
  // The API serves the parameters the sweep resolved for the trial (every key of TrialParams).
  return describeTrial(t.params as unknown as TrialParams);
}

/** One line per trial: geometry, a bar of epochs, the latest metric and the state. */
export function renderProgress(sweep: SweepView): string[] {
  const lines = [`sweep ${sweep.name} (${sweep.id}) — ${sweep.status}`];
  for (const t of sweep.trials) {
    const latest = t.history?.at(-1)?.metrics ?? t.metrics ?? {};
    const metric = fmt(latest[sweep.metric], metricDigits(sweep.task, sweep.metric));
    const retry = t.attempts > 1 ? ` attempt ${t.attempts}` : '';
    lines.push(
      `  #${t.index} ${trialLabel(t, sweep.task).padEnd(52)} ${progressBar(t.epochsCompleted, t.epochs)} ` +
        `${String(t.epochsCompleted).padStart(3)}/${t.epochs ?? '?'}  ${sweep.metric} ${metric.padStart(7)}  ${t.status}${retry}` +
        (t.error ? `  — ${t.error}` : ''),
    );
  }
  return lines;
}

/** d_h as the tables print it: the standard layer's marked `(auto)`. */
function headSize(g: { d_m: number; heads: number; d_h: number }): string {
  return isStandardLayer(g) ? `${g.d_h} (auto)` : String(g.d_h);
}

/** Aligned columns: the first left-aligned, the others right-aligned, a rule under the header. */
function alignedTable(header: string[], body: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...body.map(line)];
}

/** A group's value of a metric: `{ mean, std, n }` in the row's metric map. */
function meanOf(metrics: unknown, key: string): unknown {
  return ((metrics ?? {}) as Record<string, { mean?: unknown } | undefined>)[key]?.mean;
}

/**
 * A sweep's leaderboard by trial (rows of `leaderboard(groupBy: trial)`, n = 1) as a table,
 * with the task's headline metrics.
 */
export function renderLeaderboard(rows: LeaderboardPage['rows'], task: TaskId): string[] {
  const columns: ReadonlyArray<{ key: string; label: string; digits: number }> =
    METRIC_COLUMNS[task];
  return alignedTable(
    ['rank', 'd_m', 'heads', 'd_h', 'qk_tied', 'parameters', ...columns.map((c) => c.label)],
    rows.map((r) => [
      String(r.rank),
      String(r.d_m),
      String(r.heads),
      headSize(r),
      String(r.qk_tied),
      (r.paramCount ?? 0).toLocaleString('en-US'),
      ...columns.map((c) => fmt(meanOf(r.metrics, c.key), c.digits)),
    ]),
  );
}

/**
 * A grouped leaderboard as a table: a row per geometry (or trial) with its trial count and the
 * task's headline metrics as mean ± std; the other parameters that split groups at the end.
 */
export function renderGroups(
  rows: LeaderboardPage['rows'],
  task: TaskId,
  metric: string,
): string[] {
  const columns: Array<{ key: string; label: string; digits: number }> = [...METRIC_COLUMNS[task]];
  if (!columns.some((c) => c.key === metric))
    columns.unshift({ key: metric, label: metric, digits: metricDigits(task, metric) });
  const stat = (m: unknown, digits: number): string => {
    const s = m as { mean?: number; std?: number | null } | undefined;
    if (s?.mean === undefined) return '—';
    return s.std === null || s.std === undefined
      ? fmt(s.mean, digits)
      : `${fmt(s.mean, digits)} ± ${fmt(s.std, digits)}`;
  };
  const params = (p: unknown) =>
    Object.entries((p ?? {}) as Record<string, unknown>)
      .map(([k, v]) => `${k} ${String(v)}`)
      .join(', ');
  return alignedTable(
    [
      'rank',
      'd_m',
      'heads',
      'd_h',
      'qk_tied',
      'n',
      'parameters',
      ...columns.map((c) => c.label),
      'also',
    ],
    rows.map((r) => [
      String(r.rank),
      String(r.d_m),
      String(r.heads),
      headSize(r),
      String(r.qk_tied),
      String(r.n),
      r.paramCount === null ? '—' : r.paramCount.toLocaleString('en-US'),
      ...columns.map((c) => stat((r.metrics as Record<string, unknown>)[c.key], c.digits)),
      params(r.params),
    ]),
  );
}

/** Redraws a block of lines in place on a terminal; prints only changes elsewhere (CI logs). */
export class LiveBlock {
  private drawn = 0;
  private last = '';
  constructor(private readonly out: NodeJS.WriteStream = process.stdout) {}

  update(lines: string[]): void {
    const text = lines.join('\n');
    if (text === this.last) return;
    this.last = text;
    if (this.out.isTTY) {
      if (this.drawn > 0) this.out.write(`\x1b[${this.drawn}A\x1b[0J`);
      this.out.write(text + '\n');
      this.drawn = lines.length;
    } else {
      this.out.write(text + '\n');
    }
  }
}
