import { Context, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import type { TrialRow } from '@headroom/db';
import type { GraphQLContext } from '../common/request-cache';
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
}
