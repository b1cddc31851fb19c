import { Module } from '@nestjs/common';
import {
  EventsResolver,
  SweepUpdatedAtResolver,
  TrialUpdatedAtResolver,
  WorkerUpdatedAtResolver,
} from './events.resolver';
import { EventsService } from './events.service';

/** Subscriptions (trialUpdated, sweepUpdated, workerUpdated) fed by the database's NOTIFYs. */
@Module({
  providers: [
    EventsService,
    EventsResolver,
    TrialUpdatedAtResolver,
    SweepUpdatedAtResolver,
    WorkerUpdatedAtResolver,
  ],
})
export class EventsModule {}
