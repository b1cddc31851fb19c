import {
  Args,
  Context,
  Float,
  ID,
  Info,
  Int,
  Mutation,
  Parent,
  Query,
  ResolveField,
  Resolver,
} from '@nestjs/graphql';
import type { SweepRow, TrialRow } from '@headroom/db';
import type { GraphQLResolveInfo } from 'graphql';
import { isFinalSweepStatus, type TrialStatus as Status } from '@headroom/sweep';
import { Requires } from '../access/access-rule';
import { callerOf } from '../access/caller';
import { TrialStatus } from '../common/enums';
import { PageArgs } from '../common/page.args';
import type { GraphQLContext } from '../common/request-loaders';
import { TrialPage } from '../trials/trial-page.model';
import { Trial } from '../trials/trial.model';
import { TrialsService } from '../trials/trials.service';
import { CreateSweepInput } from './create-sweep.input';
import { SweepChangeInput } from './sweep-change.input';
import { TemporalService } from '../temporal/temporal.service';
import { Sweep } from './sweep.model';
import { SweepProblem } from './sweep-problem.model';
import { SweepValidation } from './sweep-validation.model';
import { SweepsService } from './sweeps.service';

@Resolver(() => Sweep)
export class SweepsResolver {
  constructor(
    private readonly sweepsService: SweepsService,
    private readonly trials: TrialsService,
    private readonly temporal: TemporalService,
  ) {}

  @Query(() => Sweep, { nullable: true, description: 'A sweep by id; null if there is none.' })
  sweep(@Args('id', { type: () => ID }) id: string): Promise<SweepRow | null> {
    return this.sweepsService.get(id);
  }

  @Query(() => [Sweep], { description: 'The newest sweeps first.' })
  sweeps(
    @Args('limit', { type: () => Int, nullable: true, defaultValue: 20 }) limit: number | null,
  ): Promise<SweepRow[]> {
    return this.sweepsService.list(limit);
  }

  @Query(() => SweepValidation, {
    description:
      'Checks a spec as createSweep would (every violation at its path) and counts its trials, without starting anything.',
  })
  validateSweep(
    @Args('input', { type: () => CreateSweepInput }) input: CreateSweepInput,
  ): SweepValidation {
    return this.sweepsService.validate(input);
  }

  @Requires('researcher', { sweep: 'created' })
  @Mutation(() => Sweep, {
    description:
      "Validates the spec, starts its sweep workflow and returns the sweep once the control worker has registered it. The sweep is the caller's (its token's owner).",
  })
  createSweep(
    @Args('input', { type: () => CreateSweepInput }) input: CreateSweepInput,
    @Context() ctx: GraphQLContext,
  ): Promise<SweepRow> {
    return this.sweepsService.create(input, callerOf(ctx));
  }

  @Requires('researcher', { sweep: { arg: 'id' } })
  @Mutation(() => Sweep, {
    description:
      'Running trials finish their epoch and stop; no new trial starts until resumeSweep.',
  })
  pauseSweep(@Args('id', { type: () => ID }) id: string): Promise<SweepRow> {
    return this.sweepsService.control(id, 'pause');
  }

  @Requires('researcher', { sweep: { arg: 'id' } })
  @Mutation(() => Sweep, {
    description: 'Paused trials continue from their checkpoints; new trials start again.',
  })
  resumeSweep(@Args('id', { type: () => ID }) id: string): Promise<SweepRow> {
    return this.sweepsService.control(id, 'resume');
  }

  @Requires('researcher', { sweep: { arg: 'id' } })
  @Mutation(() => Sweep, {
    description:
      'Stops running trials within one heartbeat and marks them and the unstarted ones cancelled.',
  })
  cancelSweep(@Args('id', { type: () => ID }) id: string): Promise<SweepRow> {
    return this.sweepsService.control(id, 'cancel');
  }

  @Requires('researcher', { sweep: { arg: 'id' } })
  @Mutation(() => Sweep, {
    description:
      'Changes a running or paused sweep: run_cap, max_concurrent, values added to a grid parameter, or stop (no new trials; running ones finish). Refused with the field at fault when it cannot apply; returns once the change is in effect.',
  })
  updateSweep(
    @Args('id', { type: () => ID }) id: string,
    @Args('change', { type: () => SweepChangeInput }) change: SweepChangeInput,
  ): Promise<SweepRow> {
    return this.sweepsService.update(id, change);
  }

  @Requires('researcher', { sweep: { arg: 'sweepId' } })
  @Mutation(() => Sweep, {
    description:
      'Runs failed and cancelled trials (all, or those named) again from their newest checkpoint, also after the sweep has ended.',
  })
  retryFailedTrials(
    @Args('sweepId', { type: () => ID }) sweepId: string,
    @Args('trialIds', { type: () => [ID], nullable: true }) trialIds: string[] | null,
  ): Promise<SweepRow> {
    return this.sweepsService.retryFailed(sweepId, trialIds);
  }

  @ResolveField('trials', () => TrialPage, {
    description:
      'Trials in index order, a page at a time; pages stay stable while trials are written.',
  })
  trialsOf(
    @Parent() sweep: SweepRow,
    @Args() { first, after }: PageArgs,
    @Args('status', {
      type: () => [TrialStatus],
      nullable: true,
      description: 'Only trials in one of these statuses.',
    })
    status: Status[] | null,
    @Context() ctx: GraphQLContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<TrialPage> {
    return this.trials.page(sweep.id, { first, after, status }, { info, loaders: ctx.loaders });
  }

  @ResolveField('owner', () => String, {
    nullable: true,
    description:
      'Who created it (the owner of the token that did); null for a sweep made before tokens were used.',
  })
  owner(@Parent() sweep: SweepRow, @Context() ctx: GraphQLContext): Promise<string | null> {
    return ctx.loaders.sweepOwner.load(sweep.id);
  }

  @ResolveField('trialCount', () => Int, {
    description:
      'All its trials, whatever their status. A sweep that runs until stopped (random or bayes without run_cap) and a bayes sweep register each trial as it starts, so this grows while they run.',
  })
  trialCount(@Parent() sweep: SweepRow, @Context() ctx: GraphQLContext): Promise<number> {
    return ctx.loaders.trialCount.load(sweep.id);
  }

  @ResolveField('trialsDone', () => Int, {
    description: 'Its trials in a final status: succeeded, failed, cancelled or pruned.',
  })
  trialsDone(@Parent() sweep: SweepRow, @Context() ctx: GraphQLContext): Promise<number> {
    return ctx.loaders.trialsDone.load(sweep.id);
  }

  @ResolveField('best', () => Float, {
    nullable: true,
    description:
      "The best value of its metric so far (by the metric's goal), over its succeeded trials' epochs; null before one succeeds.",
  })
  best(@Parent() sweep: SweepRow): Promise<number | null> {
    return this.sweepsService.best(sweep);
  }

  @ResolveField('problem', () => SweepProblem, {
    nullable: true,
    description:
      'Why the sweep is not progressing, asked of its Temporal workflow now: a workflow task or activity failing again and again (with the failure), a task no control worker takes, a trial whose end never reached it, or its workflow ended or missing. Null while it progresses, and once the sweep has ended.',
  })
  problem(@Parent() sweep: SweepRow): Promise<SweepProblem | null> {
    if (isFinalSweepStatus(sweep.status)) return Promise.resolve(null);
    return this.temporal.sweepProblem(sweep.id);
  }

  @ResolveField('trialsByIds', () => [Trial], {
    description:
      'The trials named (at most 100), in the order given; ids of other sweeps are left out.',
  })
  trialsByIds(
    @Parent() sweep: SweepRow,
    @Args('ids', { type: () => [ID] }) ids: string[],
  ): Promise<TrialRow[]> {
    return this.sweepsService.trialsByIds(sweep.id, ids);
  }
}
