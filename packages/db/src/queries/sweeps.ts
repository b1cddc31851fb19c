import { trialId } from '@headroom/sweep';
import { HeadroomError } from '@headroom/errors';
import { and, desc, eq, gte, inArray, max, min, sql } from 'drizzle-orm';
import type { Database } from '../database';
import {
  countTrials,
  isTaskSweep,
  resolveGeometry,
  resolveMetric,
  RETRYABLE_TRIAL_STATUSES,
  trialAt,
  type MetricGoal,
  type SweepSpec,
  type SweepStatus,
  type TrialParams,
  type TrialStatus,
} from '@headroom/sweep';
import type { SweepRow } from '../rows';
import { sweeps, trialMetricValues, trials } from '../schema';
import { isOneOf } from '../schema/columns';
import { checkLimit } from './limits';

/** A trial as the sweep's registration writes it: its index and parameters (the rest is defaults). */
export type NewTrial = Pick<
  typeof trials.$inferInsert,
  'index' | 'params' | 'dModel' | 'heads' | 'dH' | 'qkTied' | 'epochs'
>;

export type InsertSweepInput = Pick<
  typeof sweeps.$inferInsert,
  'id' | 'name' | 'task' | 'program' | 'method' | 'metricName' | 'metricGoal' | 'spec'
> & { trials: NewTrial[] };

/**
 * What registering a sweep writes: the sweep and every trial of its spec, each `trialAt(spec,
 * index)` (grid or seeded random, a pure function of the index) with its geometry columns — a
 * task's trials; a program's trials are their parameters alone. A bayes sweep, or one that runs
 * until stopped, has no trials listed up front: the workflow registers each as it creates it
 * (`newTrial`, `insertTrial`).
 */
export function sweepRegistration(id: string, spec: SweepSpec): InsertSweepInput {
  const metric = resolveMetric(spec);
  const count = spec.method === 'bayes' ? 0 : (countTrials(spec) ?? 0);
  const common = {
    id,
    name: spec.name,
    method: spec.method,
    metricName: metric.name,
    metricGoal: metric.goal,
    spec,
  };
  const trials = Array.from({ length: count }, (_, index) =>
    newTrial(spec, index, trialAt(spec, index)),
  );
  return isTaskSweep(spec)
    ? { ...common, task: spec.task, program: null, trials }
    : { ...common, task: null, program: spec.program, trials };
}

/** A trial row to insert: its parameters, and a task trial's geometry columns. */
export function newTrial(
  spec: SweepSpec,
  index: number,
  params: TrialParams | Record<string, unknown>,
): NewTrial {
  if (!isTaskSweep(spec)) return { index, params: { ...params } };
  const p = params as TrialParams;
  const g = resolveGeometry(p);
  return {
    index,
    params: { ...p },
    dModel: g.dModel,
    heads: g.heads,
    dH: g.dH,
    qkTied: g.qkTied,
    epochs: p.epochs,
  };
}

/** Trials per INSERT: one jsonb parameter each, a few hundred kilobytes. */
export const TRIAL_INSERT_CHUNK = 1_000;

/**
 * Inserts a sweep and its pending trials in one transaction. Existing rows are left as they are, so
 * running it again (an activity retry) changes nothing; trials with new indexes are added.
 */
export async function insertSweep(db: Database, input: InsertSweepInput): Promise<void> {
  await db.transaction(async (tx) => {
    await tx
      .insert(sweeps)
      .values({
        id: input.id,
        name: input.name,
        task: input.task,
        program: input.program,
        method: input.method,
        metricName: input.metricName,
        metricGoal: input.metricGoal,
        spec: input.spec,
      })
      .onConflictDoNothing();
    await insertTrialRows(tx, input.id, input.task, input.trials);
  });
}

/**
 * Writes trial rows a chunk at a time, a task's in their groups (trials equal but for the seed; see
 * trialGroups), creating the groups not seen before. Each chunk travels as one jsonb array, not
 * nine parameters per trial: building 9,000-parameter statements was most of a large registration
 * (20,000 trials: 10.1 → 2.6 s, under load). Each row is written once, with its group: groups are
 * inserted first (a statement of their own, so one that a concurrent registration just committed
 * is seen by the next). `trial_group_key` is the migration's SQL function, so the key has one
 * definition for the rows written here and the rows the migration moved.
 */
async function insertTrialRows(
  tx: Database,
  sweepId: string,
  task: string | null | undefined,
  rows: readonly NewTrial[],
): Promise<void> {
  for (let start = 0; start < rows.length; start += TRIAL_INSERT_CHUNK) {
    const chunk = rows.slice(start, start + TRIAL_INSERT_CHUNK).map((t) => ({
      id: trialId(sweepId, t.index),
      index: t.index,
      params: t.params,
      d_m: t.dModel,
      heads: t.heads,
      d_h: t.dH,
      qk_tied: t.qkTied,
      epochs: t.epochs,
    }));
    const r = sql`jsonb_to_recordset(${JSON.stringify(chunk)}::jsonb) as r(id text, index integer,
      params jsonb, d_m integer, heads integer, d_h integer, qk_tied boolean, epochs integer)`;
    const key = sql`trial_group_key(r.params, r.d_m, r.heads, r.d_h, r.qk_tied)`;
    // Groups are a task's (its leaderboards); a program's trials are in none.
    if (task)
      await tx.execute(sql`
        insert into trial_groups (task, key, d_m, heads, d_h, qk_tied, rest)
        select distinct ${task}, ${key}, r.d_m, r.heads, r.d_h, r.qk_tied,
          r.params - array['seed', 'd_m', 'heads', 'd_h', 'qk_tied']
        from ${r}
        on conflict (task, key) do nothing`);
    await tx.execute(sql`
      insert into trials (id, sweep_id, index, params, d_m, heads, d_h, qk_tied, epochs, group_id)
      select r.id, ${sweepId}, r.index, r.params, r.d_m, r.heads, r.d_h, r.qk_tied, r.epochs,
        ${task ? sql`(select g.id from trial_groups g where g.task = ${task} and g.key = ${key})` : sql`null::integer`}
      from ${r}
      on conflict do nothing`);
  }
}

/**
 * Registers trials of a sweep as its workflow creates them (bayes, a sweep until stopped, trials
 * past a raised run_cap or added grid points). Idempotent on (sweep, index): a row already there
 * is left as it is, so a retried activity changes nothing.
 */
export async function insertTrials(
  db: Database,
  sweepId: string,
  rows: readonly NewTrial[],
): Promise<void> {
  await db.transaction(async (tx) => {
    const sweep = await tx.select({ task: sweeps.task }).from(sweeps).where(eq(sweeps.id, sweepId));
    if (sweep.length === 0) throw new HeadroomError('NOT_FOUND', `sweep ${sweepId} does not exist`);
    await insertTrialRows(tx, sweepId, sweep[0]!.task, rows);
  });
}

/**
 * Removes a sweep's trials that never started from `fromIndex` on (run_cap lowered, the sweep
 * stopped early or at its metric's target): they will not run, so they are not its trials.
 */
export async function dropUnstartedTrials(
  db: Database,
  sweepId: string,
  fromIndex: number,
): Promise<number> {
  const rows = await db
    .delete(trials)
    .where(
      and(
        eq(trials.sweepId, sweepId),
        eq(trials.status, 'pending'),
        eq(trials.attempts, 0),
        gte(trials.index, fromIndex),
      ),
    )
    .returning({ id: trials.id });
  return rows.length;
}

/** The spec a sweep runs now (after updateSweep changed its run_cap, concurrency or grid). */
export async function setSweepSpec(db: Database, sweepId: string, spec: SweepSpec): Promise<void> {
  const updated = await db
    .update(sweeps)
    .set({ spec, updatedAt: sql`now()` })
    .where(eq(sweeps.id, sweepId))
    .returning({ id: sweeps.id });
  if (updated.length === 0) throw new HeadroomError('NOT_FOUND', `sweep ${sweepId} does not exist`);
}

/** A finished trial as a search reads it: its status, metric value and how far it got. */
export interface TrialResult {
  index: number;
  status: TrialStatus;
  /** A succeeded trial's final value of the metric, else its last reported one; null without one. */
  value: number | null;
  epochsCompleted: number;
}

/** The named trials' results for one metric (the sweep workflow's TPE history and `metric.target`). */
export async function trialResults(
  db: Database,
  q: { sweepId: string; metric: string; indices: readonly number[] },
): Promise<TrialResult[]> {
  if (q.indices.length === 0) return [];
  const last = sql<
    number | null
  >`(select v.value from ${trialMetricValues} v where v.trial_id = ${trials.id} and v.name = ${q.metric} order by v.epoch desc limit 1)`;
  const rows = await db
    .select({
      index: trials.index,
      status: trials.status,
      final: sql<unknown>`${trials.metrics} -> ${q.metric}`,
      last,
      epochsCompleted: trials.epochsCompleted,
    })
    .from(trials)
    .where(and(eq(trials.sweepId, q.sweepId), inArray(trials.index, [...q.indices])))
    .orderBy(trials.index);
  return rows.map((r) => {
    const final = typeof r.final === 'number' && Number.isFinite(r.final) ? r.final : null;
    const lastValue = r.last === null ? null : Number(r.last);
    return {
      index: r.index,
      status: r.status,
      value: r.status === 'succeeded' && final !== null ? final : lastValue,
      epochsCompleted: r.epochsCompleted,
    };
  });
}

export async function setSweepStatus(
  db: Database,
  sweepId: string,
  status: SweepStatus,
): Promise<void> {
  const updated = await db
    .update(sweeps)
    .set({ status, updatedAt: sql`now()` })
    .where(eq(sweeps.id, sweepId))
    .returning({ id: sweeps.id });
  if (updated.length === 0) throw new HeadroomError('NOT_FOUND', `sweep ${sweepId} does not exist`);
}

/**
 * Ends a sweep from what its trials say: `failed` while any trial is failed or cancelled,
 * else `succeeded`. From the rows, not the workflow's memory, so a sweep re-run for a subset
 * of its failed trials still reports the ones left failed.
 */
export async function settleSweepStatus(db: Database, sweepId: string): Promise<SweepStatus> {
  const rows = await db
    .update(sweeps)
    .set({
      status: sql<SweepStatus>`case when exists (select 1 from ${trials} where ${trials.sweepId} = ${sweepId} and ${isOneOf(trials.status, RETRYABLE_TRIAL_STATUSES)}) then 'failed' else 'succeeded' end`,
      updatedAt: sql`now()`,
    })
    .where(eq(sweeps.id, sweepId))
    .returning({ status: sweeps.status });
  if (rows.length === 0) throw new HeadroomError('NOT_FOUND', `sweep ${sweepId} does not exist`);
  return rows[0]!.status;
}

export async function getSweep(db: Database, id: string): Promise<SweepRow | undefined> {
  const rows = await db.select().from(sweeps).where(eq(sweeps.id, id));
  return rows[0];
}

/** Newest first. */
export async function listSweeps(db: Database, opts: { limit?: number } = {}): Promise<SweepRow[]> {
  return db
    .select()
    .from(sweeps)
    .orderBy(desc(sweeps.createdAt), desc(sweeps.id))
    .limit(checkLimit(opts.limit, 100));
}

/**
 * The best value of a metric over a sweep's succeeded trials' epochs, by its goal; null before
 * one succeeds. A program sweep's best (its trials are in no leaderboard, which ranks a task's).
 */
export async function bestEpochValue(
  db: Database,
  q: { sweepId: string; metric: string; goal: MetricGoal },
): Promise<number | null> {
  const best = q.goal === 'minimize' ? min(trialMetricValues.value) : max(trialMetricValues.value);
  const rows = await db
    .select({ best })
    .from(trialMetricValues)
    .innerJoin(trials, eq(trials.id, trialMetricValues.trialId))
    .where(
      and(
        eq(trials.sweepId, q.sweepId),
        eq(trials.status, 'succeeded'),
        eq(trialMetricValues.name, q.metric),
      ),
    );
  return rows[0]?.best ?? null;
}
