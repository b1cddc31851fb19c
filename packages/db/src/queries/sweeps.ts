import { trialId } from '@headroom/sweep';
import { HeadroomError } from '@headroom/errors';
import { desc, eq, sql } from 'drizzle-orm';
import type { Database } from '../database';
import {
  requireTrialCount,
  resolveGeometry,
  resolveMetric,
  RETRYABLE_TRIAL_STATUSES,
  trialAt,
  type SweepStatus,
  type TaskSweepSpec,
} from '@headroom/sweep';
import type { SweepRow } from '../rows';
import { sweeps, trials } from '../schema';
import { isOneOf } from '../schema/columns';
import { checkLimit } from './limits';

/** A trial as the sweep's registration writes it: its index and parameters (the rest is defaults). */
export type NewTrial = Pick<
  typeof trials.$inferInsert,
  'index' | 'params' | 'dModel' | 'heads' | 'dH' | 'qkTied' | 'epochs'
>;

export type InsertSweepInput = Pick<
  typeof sweeps.$inferInsert,
  'id' | 'name' | 'task' | 'method' | 'metricName' | 'metricGoal' | 'spec'
> & { trials: NewTrial[] };

/**
 * What registering a sweep writes: the sweep and every trial of its spec, each `trialAt(spec,
 * index)` (grid or seeded random, a pure function of the index) with its geometry columns.
 */
export function sweepRegistration(id: string, spec: TaskSweepSpec): InsertSweepInput {
  const metric = resolveMetric(spec);
  const trials = Array.from({ length: requireTrialCount(spec) }, (_, index): NewTrial => {
    const params = trialAt(spec, index);
    const g = resolveGeometry(params);
    return {
      index,
      params: { ...params },
      dModel: g.dModel,
      heads: g.heads,
      dH: g.dH,
      qkTied: g.qkTied,
      epochs: params.epochs,
    };
  });
  return {
    id,
    name: spec.name,
    task: spec.task,
    method: spec.method,
    metricName: metric.name,
    metricGoal: metric.goal,
    spec,
    trials,
  };
}

/** Trials per INSERT: ~9 parameters each stays far below Postgres' 65,535-parameter limit. */
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
        method: input.method,
        metricName: input.metricName,
        metricGoal: input.metricGoal,
        spec: input.spec,
      })
      .onConflictDoNothing();
    for (let start = 0; start < input.trials.length; start += TRIAL_INSERT_CHUNK) {
      const chunk = input.trials.slice(start, start + TRIAL_INSERT_CHUNK).map((t) => ({
        id: trialId(input.id, t.index),
        sweepId: input.id,
        index: t.index,
        params: t.params,
        dModel: t.dModel,
        heads: t.heads,
        dH: t.dH,
        qkTied: t.qkTied,
        epochs: t.epochs,
      }));
      await tx.insert(trials).values(chunk).onConflictDoNothing();
    }
    await assignTrialGroups(tx, input.id, input.task);
  });
}

/**
 * Puts the sweep's new trials into their groups (trials equal but for the seed; see trialGroups),
 * creating the groups not seen before. `trial_group_key` is the migration's SQL function, so the key
 * has one definition for the rows written here and the rows the migration moved.
 */
async function assignTrialGroups(tx: Database, sweepId: string, task: string): Promise<void> {
  const key = sql`trial_group_key(t.params, t.d_m, t.heads, t.d_h, t.qk_tied)`;
  await tx.execute(sql`
    insert into trial_groups (task, key, d_m, heads, d_h, qk_tied, rest)
    select distinct ${task}, ${key}, t.d_m, t.heads, t.d_h, t.qk_tied,
      t.params - array['seed', 'd_m', 'heads', 'd_h', 'qk_tied']
    from trials t where t.sweep_id = ${sweepId} and t.group_id is null
    on conflict (task, key) do nothing`);
  await tx.execute(sql`
    update trials t set group_id = g.id from trial_groups g
    where t.sweep_id = ${sweepId} and t.group_id is null and g.task = ${task} and g.key = ${key}`);
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
