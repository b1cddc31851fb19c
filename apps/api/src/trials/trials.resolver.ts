import { Context, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import type { TrialRow } from '@headroom/db';
import type { MetricBreakdown } from '@headroom/sweep';
import type { GraphQLContext } from '../common/request-cache';
import { GraphQLJSON } from '../common/json.scalar';
import { EpochMetrics } from './epoch-metrics.model';
import { Trial } from './trial.model';
import { TrialsService } from './trials.service';

@Resolver(() => Trial)
export class TrialsResolver {
  constructor(private readonly trials: TrialsService) {}

  @ResolveField('history', () => [EpochMetrics], {
    description: 'Metrics after each completed epoch, oldest first.',
  })
  history(@Parent() trial: TrialRow, @Context() ctx: GraphQLContext): Promise<EpochMetrics[]> {
    return this.trials.history(trial, ctx.cache);
  }

  @ResolveField('breakdown', () => GraphQLJSON, {
    nullable: true,
    description:
      "The latest epoch's values behind the means, by group then metric (pose3d: MPJPE and P-MPJPE per action).",
  })
  async breakdown(
    @Parent() trial: TrialRow,
    @Context() ctx: GraphQLContext,
  ): Promise<MetricBreakdown | null> {
    const history = await this.trials.history(trial, ctx.cache);
    return history.at(-1)?.breakdown ?? null;
  }
}
