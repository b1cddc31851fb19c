// Leaderboards and sweep exports as text a paper or a notebook takes: a markdown table shaped
// like the thesis's, CSV for spreadsheets and pandas, JSON / JSON Lines for scripts. Pure
// functions over plain rows: the commands map the GraphQL results onto these types.
import { HeadroomError } from '@headroom/errors';
import {
  isStandardLayer,
  PARAMETER_NAMES,
  TASKS,
  type ReferenceRow,
  type TaskId,
} from '@headroom/sweep';
import { metricDigits } from './render';

/** A metric over a group's trials: the mean and the sample standard deviation (null when n = 1). */
export interface MetricSummary {
  mean: number;
  std: number | null;
}

/**
 * One leaderboard row: a head geometry's trials (or one trial, n = 1), with the ranked metric's
 * statistics at top level and every metric of the task under `metrics`.
 */
export interface GroupRow {
  d_m: number;
  heads: number;
  d_h: number;
  qk_tied: boolean;
  /** The other non-seed parameters that keep groups apart (`lr`, `layers`…), by sweep-file name. */
  params?: Readonly<Record<string, string | number | boolean>>;
  n: number;
  mean: number;
  std: number | null;
  min: number;
  max: number;
  paramCount: number | null;
  /** Per sample, from packages/models. */
  flops: number | null;
  metrics: Readonly<Record<string, MetricSummary>>;
}

export interface LeaderboardTable {
  task: TaskId;
  /** The ranked metric: the top-level `mean`… of every row. */
  metric: string;
  /** Measured rows, in rank order. */
  rows: readonly GroupRow[];
  /** Published rows shown beside the measured ones, never in their statistics. */
  references?: readonly ReferenceRow[];
  /** The markdown table's metric columns; default those of the thesis's table for the task. */
  columns?: readonly string[];
}

export const LEADERBOARD_FORMATS = ['markdown', 'csv', 'json'] as const;
export type LeaderboardFormat = (typeof LEADERBOARD_FORMATS)[number];

/** The metric columns of the thesis's Tables 1–3, headed as the slides head them. */
const THESIS_COLUMNS: { readonly [T in TaskId]: ReadonlyArray<readonly [string, string]> } = {
  pose2d: [
    ['ap', 'AP'],
    ['ar', 'AR'],
  ],
  pose3d: [
    ['mpjpe', 'Prot. 1 (mm)'],
    ['p_mpjpe', 'Prot. 2 (mm)'],
  ],
  chest: [
    ['mean_auc_14', 'Average-14'],
    ['mean_auc', 'Average'],
  ],
};

/** "Base" is the standard layer (d_h = d_m / heads), as in the thesis; any other d_h is flexible. */
export function modelLabel(
  row: Pick<GroupRow, 'd_m' | 'heads' | 'd_h' | 'qk_tied' | 'params'>,
): string {
  const base = isStandardLayer(row) ? 'Base' : 'flexible';
  const params = Object.entries(row.params ?? {}).map(([k, v]) => `${k} ${String(v)}`);
  return `${base}${row.qk_tied ? ' Q = K' : ''}${params.length > 0 ? ` (${params.join(', ')})` : ''}`;
}

// ——— markdown ———

/** A cell of a markdown table: pipes escaped, line breaks folded. */
function mdCell(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/\r?\n|\r/g, ' ');
}

/** Decimals a published number was printed with (45.15 → 2), so a reference keeps its digits. */
function printedDigits(x: number): number {
  return (String(x).split('.')[1] ?? '').length;
}

const DASH = '—';

/**
 * A markdown table shaped like the thesis's Table 2: Model, d_m, heads, d_h, the metric columns,
 * n. Measured cells are `mean ± std` (just the mean when n = 1). Reference rows come first, as
 * papers list the compared methods first: italic, with a footnote giving the source (and why a
 * number is not comparable as is); a reference value keeps the digits its source printed.
 */
export function leaderboardMarkdown(table: LeaderboardTable): string {
  const { task } = table;
  const columns: ReadonlyArray<readonly [string, string]> =
    table.columns?.map((m) => [m, THESIS_COLUMNS[task].find(([k]) => k === m)?.[1] ?? m]) ??
    THESIS_COLUMNS[task];
  const header = ['Model', 'd_m', 'heads', 'd_h', ...columns.map(([, label]) => label), 'n'];

  const notes: string[] = [];
  const noteOf = (r: ReferenceRow): number => {
    const text = [r.source.citation, r.source.url && `<${r.source.url}>`, r.note]
      .filter(Boolean)
      .join(' — ');
    const at = notes.indexOf(text);
    return (at >= 0 ? at : notes.push(text) - 1) + 1;
  };
  const geometry = (v: number | boolean | undefined) => (v === undefined ? DASH : String(v));

  const referenceLines = (table.references ?? []).map((r) => {
    const values = r.metrics as Readonly<Record<string, number | undefined>>;
    return [
      `*${mdCell(r.label)}* [${noteOf(r)}]`,
      geometry(r.geometry.d_m),
      geometry(r.geometry.heads),
      // Q = K is in the label, as in the measured rows' Model column.
      geometry(r.geometry.d_h),
      ...columns.map(([m]) => {
        const v = values[m];
        return v === undefined
          ? DASH
          : v.toFixed(Math.max(metricDigits(task, m), printedDigits(v)));
      }),
      DASH,
    ];
  });
  const measuredLines = table.rows.map((row) => [
    mdCell(modelLabel(row)),
    String(row.d_m),
    String(row.heads),
    String(row.d_h),
    ...columns.map(([m]) => {
      const s = row.metrics[m];
      if (!s || !Number.isFinite(s.mean)) return DASH;
      const digits = metricDigits(task, m);
      const mean = s.mean.toFixed(digits);
      return row.n > 1 && s.std !== null && Number.isFinite(s.std)
        ? `${mean} ± ${s.std.toFixed(digits)}`
        : mean;
    }),
    String(row.n),
  ]);

  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  const rule = line(header.map((_, i) => (i === 0 ? '---' : '---:')));
  const lines = [line(header), rule, ...referenceLines.map(line), ...measuredLines.map(line)];
  if (notes.length > 0)
    lines.push(
      '',
      `*Italic*: published numbers, not among the measured rows' statistics (n = trials per row; mean ± sample std).`,
      '',
      ...notes.map((text, i) => `[${i + 1}] ${mdCell(text)}`),
    );
  return lines.join('\n') + '\n';
}

// ——— CSV ———

/** Text that a spreadsheet would run as a formula (OWASP's list: = + - @, tab, carriage return). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV field (RFC 4180): quoted when it holds a quote, comma, CR or LF, quotes doubled.
 * Numbers are written as numbers (full precision; `''` when absent or not finite) and never
 * guarded, so `-0.5` stays a number for pandas and spreadsheets. Text that starts like a formula
 * gets a leading `'` (OWASP's CSV-injection advice): a spreadsheet shows it as text, at the
 * price of the quote appearing in pandas — a trial's text fields (ids, statuses, optimizer names,
 * labels) never start so unless something put it there.
 */
export function csvField(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Records as CSV: a header line, then one line per record; lines end CRLF as RFC 4180 says. */
export function csvOfRecords(
  columns: readonly string[],
  records: ReadonlyArray<Readonly<Record<string, string | number | boolean | null | undefined>>>,
): string {
  const lines = [columns, ...records.map((r) => columns.map((c) => r[c]))].map((cells) =>
    cells.map(csvField).join(','),
  );
  return lines.join('\r\n') + '\r\n';
}

/** Metric names in the task's order (TASKS), then any others in code-point order. */
function orderMetrics(task: TaskId | undefined, names: Iterable<string>): string[] {
  const known = task ? Object.keys(TASKS[task].metrics) : [];
  const set = new Set(names);
  return [...known.filter((m) => set.has(m)), ...[...set].filter((m) => !known.includes(m)).sort()];
}

/** Parameter names in PARAMETER_NAMES order, then any others in code-point order. */
function orderParams(names: Iterable<string>): string[] {
  const known: readonly string[] = PARAMETER_NAMES;
  const set = new Set(names);
  return [...known.filter((p) => set.has(p)), ...[...set].filter((p) => !known.includes(p)).sort()];
}

/** Column names must not collide: a parameter and a metric share no name (tested). */
function checkColumns(columns: readonly string[]): void {
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c))
      throw new HeadroomError(
        'INTERNAL',
        `export: the column ${JSON.stringify(c)} is both a parameter or a fixed column and a metric; rename one`,
      );
    seen.add(c);
  }
}

/**
 * The leaderboard as CSV, every number at full precision: `rank` (empty for references),
 * `label`, `reference` (true/false), `source`, the geometry, the grouping parameters, the ranked
 * metric's `n, mean, std, min, max`, `paramCount`, `flops`, then `<metric>_mean` and
 * `<metric>_std` for every metric any row has.
 */
export function leaderboardCsv(table: LeaderboardTable): string {
  const references = table.references ?? [];
  const params = orderParams(table.rows.flatMap((r) => Object.keys(r.params ?? {})));
  const metrics = orderMetrics(table.task, [
    ...table.rows.flatMap((r) => Object.keys(r.metrics)),
    ...references.flatMap((r) => Object.keys(r.metrics)),
  ]);
  const columns = [
    'rank',
    'label',
    'reference',
    'source',
    'd_m',
    'heads',
    'd_h',
    'qk_tied',
    ...params,
    'n',
    'mean',
    'std',
    'min',
    'max',
    'paramCount',
    'flops',
    ...metrics.flatMap((m) => [`${m}_mean`, `${m}_std`]),
  ];
  checkColumns(columns);
  type Cell = string | number | boolean | null | undefined;
  const refRecords = references.map((r): Record<string, Cell> => {
    const values = r.metrics as Readonly<Record<string, number | undefined>>;
    return {
      label: r.label,
      reference: true,
      source: [r.source.citation, r.source.url].filter(Boolean).join(' '),
      ...r.geometry,
      mean: values[table.metric],
      ...Object.fromEntries(metrics.map((m) => [`${m}_mean`, values[m]])),
    };
  });
  const measured = table.rows.map((r, i): Record<string, Cell> => ({
    rank: i + 1,
    label: modelLabel(r),
    reference: false,
    d_m: r.d_m,
    heads: r.heads,
    d_h: r.d_h,
    qk_tied: r.qk_tied,
    ...r.params,
    n: r.n,
    mean: r.mean,
    std: r.std,
    min: r.min,
    max: r.max,
    paramCount: r.paramCount,
    flops: r.flops,
    ...Object.fromEntries(
      metrics.flatMap((m) => [
        [`${m}_mean`, r.metrics[m]?.mean],
        [`${m}_std`, r.metrics[m]?.std],
      ]),
    ),
  }));
  return csvOfRecords(columns, [...refRecords, ...measured]);
}

// ——— JSON ———

/** A row of `--json`: the issue's keys; a reference row adds `reference` and has nulls for runs' statistics. */
export interface LeaderboardJsonRow {
  reference?: { id: string; label: string; citation: string; url?: string; note?: string };
  d_m: number | null;
  heads: number | null;
  d_h: number | null;
  qk_tied: boolean | null;
  params?: Readonly<Record<string, string | number | boolean>>;
  n: number | null;
  mean: number | null;
  std: number | null;
  min: number | null;
  max: number | null;
  paramCount: number | null;
  flops: number | null;
  metrics: Readonly<Record<string, MetricSummary>>;
}

/**
 * The rows `--json` prints, references first as in the markdown table. A measured row has
 * exactly the issue's keys (plus `params` when groups differ in more than geometry); a published
 * number is a `{ mean, std: null }` with `n`, `min`, `max` null: it is not a statistic of runs.
 */
export function leaderboardJsonRows(table: LeaderboardTable): LeaderboardJsonRow[] {
  const references = (table.references ?? []).map((r): LeaderboardJsonRow => {
    const values = r.metrics as Readonly<Record<string, number | undefined>>;
    return {
      reference: {
        id: r.id,
        label: r.label,
        citation: r.source.citation,
        ...(r.source.url !== undefined && { url: r.source.url }),
        ...(r.note !== undefined && { note: r.note }),
      },
      d_m: r.geometry.d_m ?? null,
      heads: r.geometry.heads ?? null,
      d_h: r.geometry.d_h ?? null,
      qk_tied: r.geometry.qk_tied ?? null,
      n: null,
      mean: values[table.metric] ?? null,
      std: null,
      min: null,
      max: null,
      paramCount: null,
      flops: null,
      metrics: Object.fromEntries(
        Object.entries(values).map(([m, v]) => [m, { mean: v!, std: null }]),
      ),
    };
  });
  const measured = table.rows.map((r): LeaderboardJsonRow => ({
    d_m: r.d_m,
    heads: r.heads,
    d_h: r.d_h,
    qk_tied: r.qk_tied,
    ...(r.params !== undefined && Object.keys(r.params).length > 0 && { params: r.params }),
    n: r.n,
    mean: r.mean,
    std: r.std,
    min: r.min,
    max: r.max,
    paramCount: r.paramCount,
    flops: r.flops,
    metrics: r.metrics,
  }));
  return [...references, ...measured];
}

/** `--json`: the rows as one pretty-printed JSON array. */
export function leaderboardJson(table: LeaderboardTable): string {
  return JSON.stringify(leaderboardJsonRows(table), null, 2) + '\n';
}

/** The leaderboard in a text format (`table`, the terminal's, is render.ts's). */
export function formatLeaderboard(format: LeaderboardFormat, table: LeaderboardTable): string {
  switch (format) {
    case 'markdown':
      return leaderboardMarkdown(table);
    case 'csv':
      return leaderboardCsv(table);
    case 'json':
      return leaderboardJson(table);
  }
}

// ——— sweep export ———

/** A trial as `headroom export` writes it; metric maps are JSON, so values are checked, not trusted. */
export interface ExportTrial {
  id: string;
  index: number;
  status: string;
  params: Readonly<Record<string, unknown>>;
  /** The final metrics (the last epoch's). */
  metrics: Readonly<Record<string, unknown>> | null;
  history?: ReadonlyArray<{ epoch: number; metrics: Readonly<Record<string, unknown>> | null }>;
}

/** `wide`: a line per trial, final metrics; `epochs`: a line per trial and epoch, that epoch's metrics. */
export const TRIAL_CSV_LAYOUTS = ['wide', 'epochs'] as const;
export type TrialCsvLayout = (typeof TRIAL_CSV_LAYOUTS)[number];

type Scalar = string | number | boolean | null | undefined;

/** A parameter as a cell: scalars as they are, anything else as its JSON. */
function paramCell(v: unknown): Scalar {
  return v === null ||
    v === undefined ||
    typeof v === 'string' ||
    typeof v === 'number' ||
    typeof v === 'boolean'
    ? v
    : JSON.stringify(v);
}

/** A metric as a cell: a finite number, else empty (JSON null, a missing class's AUC). */
function metricCell(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/**
 * A sweep's trials as CSV for pandas or a spreadsheet: `trial_id, index, status`, every
 * parameter as its own column (PARAMETER_NAMES order), then the metrics as columns (the task's
 * order when `task` is given). `layout: 'wide'` (default) writes a line per trial with its final
 * metrics; `'epochs'` a line per trial and epoch (an `epoch` column before the metrics), the
 * per-epoch history tidy for `groupby` — a trial without history has no lines there. The whole
 * history per trial, nested, is `jsonlOfTrials`.
 */
export function csvOfTrials(
  trials: readonly ExportTrial[],
  options: { layout?: TrialCsvLayout; task?: TaskId } = {},
): string {
  const layout = options.layout ?? 'wide';
  const params = orderParams(trials.flatMap((t) => Object.keys(t.params)));
  const metricSets =
    layout === 'wide'
      ? trials.map((t) => t.metrics ?? {})
      : trials.flatMap((t) => (t.history ?? []).map((h) => h.metrics ?? {}));
  const metrics = orderMetrics(
    options.task,
    metricSets.flatMap((m) => Object.keys(m)),
  );
  const columns = [
    'trial_id',
    'index',
    'status',
    ...params,
    ...(layout === 'epochs' ? ['epoch'] : []),
    ...metrics,
  ];
  checkColumns(columns);
  const base = (t: ExportTrial): Record<string, Scalar> => ({
    ...Object.fromEntries(params.map((p) => [p, paramCell(t.params[p])])),
    trial_id: t.id,
    index: t.index,
    status: t.status,
  });
  const metricCells = (m: Readonly<Record<string, unknown>> | null) =>
    Object.fromEntries(metrics.map((name) => [name, metricCell(m?.[name])]));
  const records =
    layout === 'wide'
      ? trials.map((t) => ({ ...base(t), ...metricCells(t.metrics) }))
      : trials.flatMap((t) =>
          (t.history ?? []).map((h) => ({ ...base(t), epoch: h.epoch, ...metricCells(h.metrics) })),
        );
  return csvOfRecords(columns, records);
}

/**
 * `headroom export --format jsonl`: one JSON object per line and trial, `{ id, index, status,
 * params, metrics, history }` (history `[]` when the trial has none), for `pandas.read_json(…,
 * lines=True)` or `jq`.
 */
export function jsonlOfTrials(trials: readonly ExportTrial[]): string {
  return trials
    .map(
      (t) =>
        JSON.stringify({
          id: t.id,
          index: t.index,
          status: t.status,
          params: t.params,
          metrics: t.metrics,
          history: t.history ?? [],
        }) + '\n',
    )
    .join('');
}
