import { Args, Context, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import type { TrialRow } from '@headroom/db';
import type { MetricBreakdown } from '@headroom/sweep';
import { GraphQLJSON } from '../common/json.scalar';
import { PageArgs } from '../common/page.args';
import type { GraphQLContext } from '../common/request-loaders';
import { EpochMetrics, EpochMetricsPage } from './epoch-metrics.model';
import { Trial } from './trial.model';
import { TrialsService } from './trials.service';

@Resolver(() => Trial)
export class TrialsResolver {
  constructor(private readonly trials: TrialsService) {}

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
