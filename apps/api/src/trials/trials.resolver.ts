import { Inject } from '@nestjs/common';
import { Args, Context, Float, Int, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import type { TrialRow } from '@headroom/db';
import type { Violation } from '@headroom/errors';
import type { MetricBreakdown } from '@headroom/sweep';
import { GraphQLJSON } from '../common/json.scalar';
import { throwIfViolations } from '../common/limits';
import { API_ENV } from '../common/tokens';
import { artifactsDirOf, type ApiEnv } from '../env';
import { readLog } from './log-tail';
import { LogTail } from './log-tail.model';
import { PageArgs } from '../common/page.args';
import type { PlainResolvers, PropertyFields } from '../common/plain-resolvers';
import type { GraphQLContext } from '../common/request-loaders';
import { EpochMetrics, EpochMetricsPage } from './epoch-metrics.model';
import { TRIAL_ROW_FIELDS } from './trial-row-fields';
import { Trial } from './trial.model';
import { trialHistory, TrialsService } from './trials.service';

/**
 * Trial.history runs as a plain resolver (see withPlainResolvers): once per trial of a page, up
 * to 1,000 a request, answered synchronously from the page's histories read ahead by Sweep.trials.
 */
export const TRIAL_PLAIN_RESOLVERS: PlainResolvers = {
  Trial: {
    history: (trial: TrialRow, args: PageArgs, ctx: GraphQLContext) =>
      trialHistory(trial, args, ctx.loaders),
  },
};

/**
 * The fields of a whole sweep's answer read straight from its rows (see PropertyFields): ~30,000 a
 * 1,000-trial page. Trial's renamed geometry fields (d_m reads dModel) keep their resolvers.
 */
export const TRIAL_PROPERTY_FIELDS: PropertyFields = {
  TrialPage: ['rows', 'next'],
  Trial: TRIAL_ROW_FIELDS,
  EpochMetricsPage: ['rows', 'next'],
  EpochMetrics: ['epoch', 'metrics'],
};

@Resolver(() => Trial)
export class TrialsResolver {
  constructor(
    private readonly trials: TrialsService,
    @Inject(API_ENV) private readonly env: ApiEnv,
  ) {}

  @ResolveField('logTail', () => LogTail, {
    nullable: true,
    description:
      "A program trial's log (its stdout and stderr, every attempt, Headroom's lines marking each): the last `lines` lines, or with `after` the whole lines written past that byte offset (follow a log by asking again from `end`). Null for a task trial, or before the program starts.",
  })
  logTail(
    @Parent() trial: TrialRow,
    @Args('lines', { type: () => Int, defaultValue: 50 }) lines: number,
    // Absent (undefined) when the query leaves it out, null when it passes null.
    @Args('after', { type: () => Float, nullable: true }) after: number | null | undefined,
  ): Promise<LogTail | null> {
    const violations: Violation[] = [];
    if (!Number.isInteger(lines) || lines < 1 || lines > 1000)
      violations.push({ path: 'lines', message: `must be from 1 to 1000; got ${lines}` });
    if (after != null && !(Number.isSafeInteger(after) && after >= 0))
      violations.push({
        path: 'after',
        message: `must be a byte offset (an integer ≥ 0, a previous end); got ${after}`,
      });
    throwIfViolations('Trial.logTail', violations);
    return readLog(artifactsDirOf(this.env), trial, { lines, after: after ?? undefined });
  }

  // Declares the field; TRIAL_PLAIN_RESOLVERS is what runs (the same answer, without Nest's wrapper).
  @ResolveField('history', () => EpochMetricsPage, {
    description: 'Metrics after each completed epoch, oldest first, a page at a time.',
  })
  history(
    @Parent() trial: TrialRow,
    @Context() ctx: GraphQLContext,
    @Args() { first, after }: PageArgs,
  ): Promise<EpochMetricsPage> {
    return this.trials.history(trial, { first, after }, ctx.loaders);
  }

  @ResolveField('breakdown', () => GraphQLJSON, {
    nullable: true,
    description:
      "The latest epoch's values behind the means, by group then metric (pose3d: MPJPE and P-MPJPE per action).",
  })
  breakdown(
    @Parent() trial: TrialRow,
    @Context() ctx: GraphQLContext,
  ): Promise<MetricBreakdown | null> {
    return this.trials.breakdown(trial, ctx.loaders);
  }
}

@Resolver(() => EpochMetrics)
export class EpochMetricsResolver {
  constructor(private readonly trials: TrialsService) {}

  @ResolveField('breakdown', () => GraphQLJSON, {
    nullable: true,
    description: 'The values behind the means, by group then metric (pose3d: per action).',
  })
  breakdown(
    @Parent() epoch: EpochMetrics,
    @Context() ctx: GraphQLContext,
  ): Promise<MetricBreakdown | null> {
    return this.trials.epochBreakdown(epoch, ctx.loaders);
  }
}
